"""A stand-in for the Anthropic Messages API on 127.0.0.1, for tests of code that uses the real anthropic SDK.

It speaks the wire format the SDK expects (``POST /v1/messages``, message and error bodies), answers from
a queue of canned replies, and records what it was sent. Point the SDK at it with ``base_url=api.url``
(or ``ANTHROPIC_BASE_URL``).

Example:
    >>> with FakeMessagesApi() as api:  # doctest: +SKIP
    ...     api.reply(200, tool_use("propose_answers", {"answers": {}}))
    ...     anthropic.Anthropic(api_key="k", base_url=api.url).messages.create(...)
"""

from __future__ import annotations

from typing import Any

from databricks_utils.testing.loopback import LoopbackRequest, LoopbackServer


def message(content: list[dict[str, Any]], *, input_tokens: int = 120, output_tokens: int = 40) -> dict[str, Any]:
    """A Messages API success body with ``content`` blocks."""
    stop = "tool_use" if any(block.get("type") == "tool_use" for block in content) else "end_turn"
    return {
        "id": "msg_loopback",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def tool_use(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A success body in which the model calls tool ``name`` with ``payload``."""
    return message([{"type": "tool_use", "id": "toolu_loopback", "name": name, "input": payload}])


def api_error(status: int, kind: str, text: str) -> tuple[int, dict[str, Any]]:
    """``(status, body)`` of a Messages API error (e.g. ``529, "overloaded_error"``)."""
    return status, {"type": "error", "error": {"type": kind, "message": text}}


class FakeMessagesApi(LoopbackServer):
    """The loopback Messages API; use it as a context manager."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[tuple[int, dict[str, Any] | bytes]] = []

    def reply(self, status: int, body: dict[str, Any] | bytes) -> None:
        """Queue one reply: a dict is sent as JSON, bytes as they are (to test malformed bodies)."""
        self.replies.append((status, body))

    @property
    def requests(self) -> list[dict[str, Any]]:
        """What was sent: ``{"path", "headers", "body"}`` per request, in order."""
        return [{"path": r.path, "headers": r.headers, "body": r.body} for r in self.received]

    def respond(self, request: LoopbackRequest) -> tuple[int, object]:
        """The next queued reply (a 500 ``api_error`` when none is left)."""
        del request
        return self.replies.pop(0) if self.replies else api_error(500, "api_error", "no reply queued")
