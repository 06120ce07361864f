"""A JSON HTTP server on 127.0.0.1 for stand-ins of services tests cannot reach (Databricks REST, Anthropic).

Subclasses answer :meth:`LoopbackServer.respond`; the base runs a threaded server on a free port for the
``with`` block and hands each request (method, path, headers, parsed JSON body) to it.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import ClassVar, Self

from databricks_utils.errors.exceptions import DatabricksUtilsError


@dataclass(frozen=True)
class LoopbackRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: object
    """The parsed JSON body (None when empty); a body that is not JSON is kept as text."""


class LoopbackServer(ABC):
    """Base of the loopback stand-ins; use a subclass as a context manager."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[LoopbackRequest] = []
        self._server: ThreadingHTTPServer | None = None

    @abstractmethod
    def respond(self, request: LoopbackRequest) -> tuple[int, object]:
        """``(status, body)`` for ``request``; a dict or list body is sent as JSON, bytes as they are."""

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``.

        Raises:
            DatabricksUtilsError: The server is not running (outside the ``with`` block).
        """
        if self._server is None:
            name = type(self).__name__
            raise DatabricksUtilsError(
                f"{name} is not running. Fix: use it as a context manager (with {name}() as ...)"
            )
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def received(self) -> list[LoopbackRequest]:
        """Every request served so far, in order."""
        with self._lock:
            return list(self._received)

    def __enter__(self) -> Self:
        handler = type("_BoundHandler", (_Handler,), {"server_object": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, name=type(self).__name__, daemon=True).start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _handle(self, request: LoopbackRequest) -> tuple[int, bytes]:
        with self._lock:
            self._received.append(request)
        status, body = self.respond(request)
        return status, body if isinstance(body, bytes) else json.dumps(body).encode()


class _Handler(BaseHTTPRequestHandler):
    server_object: ClassVar[LoopbackServer]

    def do_GET(self) -> None:
        self._reply("GET")

    def do_POST(self) -> None:
        self._reply("POST")

    def _reply(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0)).decode()
        try:
            body: object = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw
        request = LoopbackRequest(method, self.path, dict(self.headers), body)
        status, data = self.server_object._handle(request)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # requests are recorded in LoopbackServer.received
