"""The README keeps up with the code: generated sections, every command, the two set-up commands."""

from __future__ import annotations

from tools import readme as docs
from imhgraph.cli import COMMANDS

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_sections_are_up_to_date():
    for name, generate in docs.SECTIONS.items():
        assert docs.section(README, name) == generate(), (
            f"README section {name!r} is stale: run `python tools/readme.py README.md`"
        )


def test_every_error_id_is_documented():
    from imhgraph.errors import ALL_ERRORS

    for cls in ALL_ERRORS:
        assert f"`{cls.code}`" in README, cls.__name__
    codes = [cls.code for cls in ALL_ERRORS]
    assert len(codes) == len(set(codes)), "error IDs must be unique"


def test_every_command_is_documented():
    for name in COMMANDS:
        assert f"imhgraph {name}" in README or f"`{name}`" in README, name


def test_two_setup_commands():
    assert "make demo" in README and "make test" in README
