"""Opening the backend the global options describe (``--data``, ``--store``, ``--endpoint``):
the one place that knows every kind of :class:`~imhgraph.stores.Backend`, kept out of
:mod:`imhgraph.stores` so that the backends import the interface without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError
from .stores import Backend, memory_backend


@dataclass(frozen=True)
class BackendSpec:
    """What the global options asked for; :meth:`open` makes the backend."""

    data: tuple[Path, ...] = ()
    store: Path | None = None
    endpoint: str | None = None
    timeout: float = 30.0
    options: Mapping[str, Any] = field(default_factory=dict)

    def open(self) -> Backend:
        """Open the backend these options describe.

        :raises UsageError: ``--endpoint`` together with ``--store`` or ``--data``.
        """
        if self.endpoint and (self.store is not None or self.data):
            raise UsageError(
                "--endpoint cannot be combined with --store or --data",
                hint="To upload files to an endpoint, use `imhgraph push --endpoint URL --data FILES`.",
            )
        if self.endpoint:
            from .endpoint import endpoint_backend  # only the kind asked for is imported

            return endpoint_backend(self.endpoint, timeout=self.timeout, **self.options)
        if self.store is not None:
            from .disk import disk_backend

            return disk_backend(self.store, data=list(self.data) or None, timeout=self.timeout)
        return memory_backend(list(self.data) or None)
