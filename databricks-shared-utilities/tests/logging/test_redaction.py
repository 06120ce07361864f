from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from databricks_utils.logging import REDACTED, configure_logging, get_logger, log_context, redact
from databricks_utils.logging.redaction import is_secret_name, redact_fields

PAT = "dapi0123456789abcdef0123456789abcdef"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
ANTHROPIC_KEY = "sk-ant-api03-AbC_dEf-123xyz"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"using {PAT} for the call", "using dapi*** for the call"),
        (f"using {PAT}-2 for the call", "using dapi*** for the call"),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer ***"),
        (f"authorization: bearer {PAT}", "authorization: bearer ***"),
        ("connect password=hunter2 host=db", "connect password=*** host=db"),
        ("PASSWORD = hunter2", "PASSWORD = ***"),
        ("db_password=hunter2;user=etl", "db_password=***;user=etl"),
        ("passwd=hunter2", "passwd=***"),
        ("token=abc123", "token=***"),
        ("https://host/x?access_token=abc123&user=me", "https://host/x?access_token=***&user=me"),
        ("secret=s3cr3t", "secret=***"),
        ("client_secret=s3cr3t", "client_secret=***"),
        ("api_key=xyz apikey=xyz api-key=xyz", "api_key=*** apikey=*** api-key=***"),
        ('{"password": "hunter 2", "user": "etl"}', '{"password": "***", "user": "etl"}'),
        ("{'token': 'abc def'}", "{'token': '***'}"),
        ("password='hunter 2' next", "password='***' next"),
        (f'{{"Authorization": "Bearer {JWT}"}}', '{"Authorization": "***"}'),
        (f"authorization=Bearer {JWT} next", "authorization=*** next"),
        ('{"password": "a\\"b c", "user": "etl"}', '{"password": "***", "user": "etl"}'),
        (f"key {ANTHROPIC_KEY} rotated", "key sk-ant-*** rotated"),
        (f"aws {AWS_KEY} found", "aws AKIA*** found"),
        (f"two: {PAT} and {AWS_KEY}", "two: dapi*** and AKIA***"),
    ],
)
def test_redact_every_secret_shape(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Wrote 120 rows to main.sales.orders in 3.2s",
        "max_tokens=512 temperature=0.2",
        "token: expired, refreshing",
        "password reset mail sent to user 42",
        "Calling the Jobs API at https://example.cloud.databricks.com/api/2.1/jobs/list",
        "timezone Asia/Tokyo",
        "the bearer of bad news",
        "dapi0123 is too short to be a token",
        "",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_clean_text_takes_the_fast_path_and_returns_the_same_object() -> None:
    text = "Wrote 120 rows to main.sales.orders in 3.2s"

    assert redact(text) is text


@pytest.mark.parametrize(
    "name",
    [
        "token",
        "access_token",
        "refreshToken",
        "password",
        "DB_PASSWORD",
        "passwd",
        "client_secret",
        "credential",
        "credentials",
        "private_key",
        "privateKey",
        "api_key",
        "apiKey",
        "api-key",
        "Authorization",
    ],
)
def test_secret_field_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["max_tokens", "token_count", "tokenizer", "table", "user", "key", "run_id"])
def test_ordinary_field_names(name: str) -> None:
    assert not is_secret_name(name)


def test_redact_fields_walks_nested_values_and_keeps_other_values() -> None:
    fields = {
        "conn": {"host": "db", "password": "hunter2", "opts": [f"auth={PAT}", ("token=abc",)]},
        "keys": {f"Bearer {JWT}"},
        "rows": 3,
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "api_key": 12345,
    }

    assert redact_fields(fields) == {
        "conn": {"host": "db", "password": REDACTED, "opts": ["auth=dapi***", ["token=***"]]},
        "keys": ["Bearer ***"],
        "rows": 3,
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "api_key": REDACTED,
    }


def test_redact_fields_renders_too_deep_values_as_redacted_text() -> None:
    deep: dict[str, object] = {"password": "hunter2", "dsn": "password=hunter2"}
    for _ in range(8):
        deep = {"level": deep}

    text = repr(redact_fields(deep))

    assert "hunter2" not in text
    assert "'password': '***'" in text


def test_secrets_are_redacted_in_every_part_of_a_json_line(stream, json_lines) -> None:
    configure_logging(stream=stream)
    logger = get_logger("orders")

    with log_context(session_token="abc", url=f"https://h?token={PAT}"):  # noqa: S106  # fake secret under test
        try:
            raise ConnectionError(f"login failed with password=hunter2 and {AWS_KEY}")
        except ConnectionError:
            logger.exception(
                "Calling with Bearer %s key %s",
                JWT,
                ANTHROPIC_KEY,
                extra={"db_password": "hunter2", "dsn": "postgres://u@h/db?password=hunter2", "user": "etl"},
            )

    raw = stream.getvalue()
    for secret in ("hunter2", PAT[4:], JWT, ANTHROPIC_KEY[7:], AWS_KEY[4:], '"abc"'):
        assert secret not in raw
    line = json_lines()[0]
    assert line["message"] == "Calling with Bearer *** key sk-ant-***"
    assert line["context"] == {"session_token": "***", "url": "https://h?token=***"}
    assert line["extra"] == {"db_password": "***", "dsn": "postgres://u@h/db?password=***", "user": "etl"}
    assert line["exception"]["message"] == "login failed with password=*** and AKIA***"
    assert "ConnectionError: login failed with password=*** and AKIA***" in line["exception"]["traceback"]


def test_secrets_are_redacted_in_text_lines(stream) -> None:
    configure_logging(fmt="text", stream=stream)

    with log_context(token="abc"):  # noqa: S106  # fake secret under test
        try:
            raise ValueError(f"bad {PAT}")
        except ValueError:
            get_logger("orders").exception("with password=%s", "hunter2", extra={"note": f"Bearer {JWT}"})

    text = stream.getvalue()
    assert "hunter2" not in text
    assert PAT not in text
    assert JWT not in text
    assert 'with password=***  token=*** note="Bearer ***"' in text
    assert "ValueError: bad dapi***" in text


def test_objects_whose_text_holds_a_secret_are_redacted(stream, json_lines) -> None:
    class Dsn:
        def __str__(self) -> str:
            return "postgres://u@h/db?password=hunter2"

    configure_logging(stream=stream)

    get_logger("orders").info("connected", extra={"dsn": Dsn(), "key": SecretStr("hunter2")})

    assert json_lines()[0]["extra"] == {"dsn": "postgres://u@h/db?password=***", "key": "**********"}


def test_third_party_records_are_redacted_too(stream) -> None:
    configure_logging(level=logging.DEBUG, stream=stream)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)

    logging.getLogger("urllib3.connectionpool").debug("GET /api/2.1/jobs/list?token=%s", PAT)

    assert PAT[4:] not in stream.getvalue()
    assert "token=***" in stream.getvalue()


def test_redact_fields_turns_keys_into_strings() -> None:
    assert redact_fields({1: "one", "token": "abc"}) == {"1": "one", "token": REDACTED}  # type: ignore[dict-item]
    assert redact_fields({2: 3}) == {"2": 3}  # type: ignore[dict-item]
