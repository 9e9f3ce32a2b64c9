"""Real and fake SPARQL servers for the backend tests, all on 127.0.0.1 and free ports.

* :class:`OxigraphServer`: ``oxigraph serve`` (the PyPI package ``oxigraph``, a test
  dependency) on a temporary folder; waits until it answers (bounded) and always stops it.
* :class:`FakeServer`: a tiny ``http.server`` in a thread whose handler the test chooses,
  for the failures a real server rarely shows on demand (HTTP 500, HTML, garbage, slowness).
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` executable: next to this Python (the venv's bin), or on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("oxigraph")


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``, started and stopped by the test."""

    def __init__(self, location: Path, *, startup_seconds: float = 20.0) -> None:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is not installed (pip install oxigraph)")
        self.binary = binary
        self.location = location
        self.startup_seconds = startup_seconds
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL (``/query``, ``/update``, ``/store`` hang below it)."""
        return f"http://127.0.0.1:{self.port}"

    def load(self, *files: Path) -> None:
        """Load *files* with the server's own tool (``oxigraph load``), before serving."""
        if self.process is not None:
            raise RuntimeError("oxigraph load needs the server stopped (it locks the folder)")
        for file in files:
            subprocess.run(
                [self.binary, "load", "--location", str(self.location), "--file", str(file)],
                check=True,
                capture_output=True,
                timeout=120,
            )

    def start(self) -> OxigraphServer:
        """Start serving and wait (bounded) until ``/query`` answers."""
        self.port = free_port()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}: {err[-500:]}")
            try:
                request = urllib.request.Request(
                    self.url + "/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
                )
                with urllib.request.urlopen(request, timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer within {self.startup_seconds} s")

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 5 s)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr:
            process.stderr.close()

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class FakeServer:
    """An HTTP server on 127.0.0.1 in a thread; every request is answered by *handler*."""

    def __init__(self, handler: Handler) -> None:
        outer = handler

        class _Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer(self)

            do_GET = do_POST  # noqa: N815
            do_PUT = do_POST  # noqa: N815

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

        class _Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (the point of several tests) is not news

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The query URL of the fake endpoint."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/query"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
