"""Test helpers that prove nothing is fetched.

* :func:`guard` patches Python's socket layer so that any attempt to reach a non-loopback
  address is recorded and refused; a test then asserts that the record is empty.
* :class:`CountingServer` is a loopback HTTP server that counts every request it gets: point
  a remote JSON-LD context, an external DTD or a SPARQL ``SERVICE`` at it, and the count
  proves no layer (Python *or* Oxigraph's Rust code, which the socket patch cannot see)
  fetched it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class NetworkBlocked(OSError):
    """Raised instead of connecting: the test suite runs without network."""


def _is_loopback(host: Any) -> bool:
    if host is None:
        return False
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]")
    if host in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse and record every non-loopback connection or name lookup while active.

    Yields the list of attempts (``"connect example.org:443"``…); it must stay empty.
    """
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection
    real_sendto = socket.socket.sendto

    def address_host(address: Any) -> Any:
        if isinstance(address, tuple) and address:
            return address[0]
        return None  # AF_UNIX paths are local

    def check(what: str, host: Any, port: Any = None) -> None:
        if host is None or _is_loopback(host):
            return
        attempts.append(f"{what} {host}:{port}")
        raise NetworkBlocked(f"network access during a test: {what} {host}:{port}")

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("connect", address_host(address), address[1] if isinstance(address, tuple) else None)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("connect", address_host(address), address[1] if isinstance(address, tuple) else None)
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> Any:
        address = args[-1]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check("sendto", address_host(address))
        return real_sendto(self, data, *args)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        check("resolve", host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        check("connect", address_host(address), address[1])
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    try:
        yield attempts
    finally:
        monkeypatch.undo()


class CountingServer:
    """A loopback HTTP server answering every GET/POST with a small JSON-LD context and
    counting the requests (``.requests``). Use as a context manager; ``.url`` is its base."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.requests.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                body = b'{"@context": {"name": "http://schema.org/name"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _answer  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
