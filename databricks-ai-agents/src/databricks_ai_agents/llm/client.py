"""A small Claude client for agents: one structured answer per call, retried, timed out, and its usage logged.

The anthropic SDK is imported when a client is created (it costs ~1.2 s). The SDK's own retries are off so
databricks-utils' retry policy applies: 429, 5xx and 529 (overloaded) and connection errors are retried with
backoff; anything else surfaces at once as an :class:`~databricks_ai_agents.errors.AgentError`. The API key
comes only from ``ANTHROPIC_API_KEY`` and never appears in messages or logs.

Example:
    >>> client = LlmClient.from_env(settings, timeout_s=60)  # doctest: +SKIP
    >>> client.structured("Propose answers...", tool=tool_schema, agent="template")  # doctest: +SKIP
    {'answers': {...}, 'reasons': {...}}
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Final

from databricks_ai_agents.core.definitions import LlmSettings
from databricks_ai_agents.core.engine import API_KEY_VARIABLE, Tool
from databricks_ai_agents.errors import AgentError
from databricks_utils import RetryConfig, RetryExhaustedError, log_metrics, retry_call

RETRIED_STATUS: Final = frozenset({429, 500, 502, 503, 504, 529})
logger = logging.getLogger(__name__)


class LlmClient:
    """Claude for one agent's settings."""

    def __init__(
        self,
        settings: LlmSettings,
        *,
        api_key: str,
        timeout_s: float,
        base_url: str | None = None,
        retry: RetryConfig | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        import anthropic

        self._anthropic = anthropic
        self._settings = settings
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout_s)
        self._retry = retry or RetryConfig(attempts=4, initial_delay=1.0, max_delay=20.0, predicate=self._retriable)
        self._sleep = sleep

    @classmethod
    def from_env(
        cls, settings: LlmSettings, *, timeout_s: float, environ: Mapping[str, str] | None = None
    ) -> LlmClient:
        """A client keyed by ``ANTHROPIC_API_KEY`` (and ``ANTHROPIC_BASE_URL`` when set).

        Raises:
            AgentError: The key is not set.
        """
        env = os.environ if environ is None else environ
        key = env.get(API_KEY_VARIABLE, "").strip()
        if not key:
            raise AgentError(f"the LLM engine needs {API_KEY_VARIABLE}. Fix: export it, or use --engine rules")
        return cls(settings, api_key=key, timeout_s=timeout_s, base_url=env.get("ANTHROPIC_BASE_URL") or None)

    def structured(self, prompt: str, *, tool: Tool, agent: str) -> dict[str, Any]:
        """Send ``prompt`` and return the input the model gave ``tool`` (or the JSON object it wrote instead).

        Raises:
            AgentError: The API failed after retries, or the reply holds no usable JSON object.
        """
        message = self._call(prompt, tool)
        usage = getattr(message, "usage", None)
        log_metrics(
            "llm_usage",
            logger=logger,
            agent=agent,
            model=self._settings.model,
            input_tokens=int(getattr(usage, "input_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "output_tokens", 0) or 0),
        )
        return _payload(message, tool.name)

    def _call(self, prompt: str, tool: Tool) -> Any:
        params: dict[str, Any] = {
            "model": self._settings.model,
            "max_tokens": self._settings.max_tokens,
            "messages": [{"role": "user", "content": prompt}],
            "tools": [{"name": tool.name, "description": tool.description, "input_schema": dict(tool.input_schema)}],
            "tool_choice": {"type": "tool", "name": tool.name},
        }
        if self._settings.temperature is not None:
            # The 2.x SDK no longer types `temperature` (recent models fix it); older ones still accept it.
            params["extra_body"] = {"temperature": self._settings.temperature}
        # Plain dicts satisfy the SDK's TypedDict parameters at runtime; its overloads cannot see that.
        create: Callable[..., Any] = self._client.messages.create

        def once() -> Any:
            return create(**params)

        try:
            return retry_call(once, config=self._retry, sleep=self._sleep)
        except RetryExhaustedError as err:
            raise AgentError(
                f"Claude API still failing after {err.attempts} attempts ({_describe(err.last_error)}). "
                "Fix: retry later, or use --engine rules"
            ) from err
        except ValueError as err:  # the SDK parses the body itself: a malformed one surfaces as a JSON error
            raise AgentError(
                f"Claude API sent a reply that is not valid JSON ({err}). Fix: retry, or use --engine rules"
            ) from err
        except self._anthropic.APIError as err:
            raise AgentError(
                f"Claude API call failed ({_describe(err)}). "
                "Fix: check the model name and the key, or use --engine rules"
            ) from err

    def _retriable(self, error: BaseException) -> bool:
        if isinstance(error, self._anthropic.APIStatusError):
            return error.status_code in RETRIED_STATUS
        return isinstance(error, self._anthropic.APIConnectionError)  # includes timeouts


def _payload(message: Any, tool_name: str) -> dict[str, Any]:
    for block in getattr(message, "content", []) or []:
        is_call = getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == tool_name
        if is_call and isinstance(block.input, dict):
            return block.input
    for block in getattr(message, "content", []) or []:
        if getattr(block, "type", None) == "text":
            parsed = _json_object(block.text)
            if parsed is not None:
                return parsed
    raise AgentError(
        f"Claude's reply has neither a {tool_name} call nor a JSON object. Fix: retry, or use --engine rules"
    )


def _json_object(text: str) -> dict[str, Any] | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _describe(error: BaseException | None) -> str:
    """``HTTP 529 overloaded_error: Overloaded`` from an API error body, else the error's type and text."""
    body = getattr(error, "body", None)
    status = getattr(error, "status_code", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        detail = body["error"]
        return f"HTTP {status} {detail.get('type', 'error')}: {detail.get('message', '')}"
    return f"{type(error).__name__}: {error}"
