"""Real and fake SPARQL servers for the backend tests, all on 127.0.0.1 and free ports.

* :class:`OxigraphServer`: ``oxigraph serve`` (the PyPI package ``oxigraph``, a test
  dependency) on a temporary folder; waits until it answers (bounded) and always stops it.
* :class:`VirtuosoServer`: Debian's Virtuoso Open Source 7 (``virtuoso-t``, installed by
  ``.ci/run`` with apt) on a throwaway database folder with a ``virtuoso.ini`` written here;
  grants what ``push`` needs over ISQL, waits until it answers (bounded) and always stops it.
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


def virtuoso_binaries() -> tuple[str, str] | None:
    """``virtuoso-t`` and its ISQL client (Debian names it ``isql-vt``), or None."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    return (server, isql) if server and isql else None


#: Why the Virtuoso tests skip where it is missing.
VIRTUOSO_MISSING = (
    "Virtuoso is not installed (virtuoso-t and isql-vt; `apt-get install virtuoso-opensource-7-bin`, as .ci/run does)"
)

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 10
DirsAllowed = ., {dir}
DisableTcpSocket = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""

#: ISQL run once the server is up: anonymous SPARQL may update (the SPARQL_UPDATE role, which
#: /sparql-graph-crud checks) and write any graph; a user that only the Digest-protected
#: endpoints (/sparql-auth, /sparql-graph-crud-auth) let in.
_VIRTUOSO_GRANTS = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
DB.DBA.USER_CREATE ('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 7);
"""


def _die_with_parent() -> None:
    """In the child: ask Linux to stop it when the test process dies (a killed pytest must not
    leave a Virtuoso running); elsewhere nothing."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class VirtuosoServer:
    """``virtuoso-t +foreground`` on 127.0.0.1 (free HTTP and ISQL ports) over *folder*."""

    #: the user the Digest-protected endpoints accept (created by :data:`_VIRTUOSO_GRANTS`)
    user = "imhgraph"
    password = "digest-only-pw"

    def __init__(self, folder: Path, *, startup_seconds: float = 90.0) -> None:
        binaries = virtuoso_binaries()
        if binaries is None:
            raise RuntimeError(VIRTUOSO_MISSING)
        self.binary, self.isql_binary = binaries
        self.folder = folder
        self.startup_seconds = startup_seconds
        self.http_port = self.isql_port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The SPARQL query (and update) endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def base(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.http_port}"

    def isql(self, script: str) -> str:
        """Run *script* (SQL statements, ``;``-separated) as dba over ISQL; its output."""
        done = subprocess.run(
            [self.isql_binary, str(self.isql_port), "dba", "dba", f"exec={script}"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql failed: {out[-800:]}")
        return out

    def load(self, graph: str, *files: Path) -> None:
        """Load *files* (Turtle or N-Triples) into *graph* with Virtuoso's own loader (TTLP)."""
        for file in files:
            copy = self.folder / f"load-{file.name}"
            shutil.copyfile(file, copy)
            self.isql(f"DB.DBA.TTLP_MT (file_to_string_output ('{copy}'), '', '{graph}');")

    def start(self) -> VirtuosoServer:
        """Write virtuoso.ini, start serving, wait (bounded) until /sparql answers, grant."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.http_port, self.isql_port = free_port(), free_port()
        while self.isql_port == self.http_port:
            self.isql_port = free_port()
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            _VIRTUOSO_INI.format(dir=self.folder, isql_port=self.isql_port, http_port=self.http_port), encoding="utf-8"
        )
        self.process = subprocess.Popen(
            [self.binary, "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.folder / "virtuoso.log").read_text(errors="replace") if (self.folder / "virtuoso.log").exists() else ""
                self.process = None
                raise RuntimeError(f"virtuoso-t exited early: {log[-800:]}")
            try:
                request = urllib.request.Request(
                    self.url,
                    data=b"query=ASK%7B%7D",
                    headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer within {self.startup_seconds} s")
        try:
            self.isql(_VIRTUOSO_GRANTS.format(user=self.user, password=self.password))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> VirtuosoServer:
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
                self.request_body = self.rfile.read(length)  # type: ignore[attr-defined]
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
