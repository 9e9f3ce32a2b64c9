"""SPEC §1: the installed wheel (not only the editable checkout) carries ontology/, data/, queries/."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_into_fresh_venv_and_validates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("imhgraph-*.whl"))
    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)
    py = fresh / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # Dependencies come from the test environment (offline); the checkout itself must not leak in:
    # a path added by a .pth file does not run that folder's own .pth files (the editable hook).
    fresh_site = next((fresh / "lib").glob("python3*/site-packages"))
    (fresh_site / "deps-from-test-env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    where = subprocess.run(
        [str(py), "-c", "import imhgraph.resources as r; print(r.ontology_dir()); print(r.queries_dir())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.split()
    assert all(str(fresh) in line for line in where), where
    result = subprocess.run(
        [str(fresh / "bin" / "imhgraph"), "validate"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The data conforms" in result.stdout
    stats = subprocess.run(
        [str(fresh / "bin" / "imhgraph"), "stats", "--format", "json"], capture_output=True, text=True, cwd=tmp_path
    )
    assert stats.returncode == 0, stats.stderr
    # The wheel carries the very data of the checkout, not an empty data/ that would also validate.
    from imhgraph.stats import stats as checkout_stats
    from imhgraph.stores import memory_backend

    assert json.loads(stats.stdout)["counts"] == checkout_stats(memory_backend()).counts
    assert json.loads(stats.stdout)["counts"]["programs"] > 0
    # --add: one's own file beside the bundled data, from the installed wheel (issue 15).
    mine = Path(__file__).resolve().parent / "fixtures" / "other" / "sunrise.ttl"
    added = subprocess.run(
        [str(fresh / "bin" / "imhgraph"), "--add", str(mine), "compare", "sunrise-imh-certificate",
         "okstate-imh-certificate", "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["a"] == "sunrise-imh-certificate"
