"""Shared parsing of repeatable ``KEY=VALUE`` options (``init --set``, ``profile --option``)."""

from __future__ import annotations

import click


def key_values(values: tuple[str, ...], *, option: str, example: str) -> dict[str, str]:
    """``("a=1", "b=x=y")`` -> ``{"a": "1", "b": "x=y"}``; a value without ``=`` is a usage error naming ``option``.

    Example:
        >>> key_values(("compute=classic",), option="--set", example="compute=classic")
        {'compute': 'classic'}
    """
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE (e.g. {option} {example})", param_hint=option)
        pairs[key.strip()] = answer
    return pairs
