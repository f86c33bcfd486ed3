"""The message catalogue: every UI string by key, in Simplified Chinese (default) and English."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
CATALOGUE = Path(__file__).with_name("messages.toml")


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    return tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for key in lang (falling back to Chinese), with {placeholders} filled."""
    table = _catalogue()
    text = table.get(lang, {}).get(key) or table[DEFAULT_LANGUAGE].get(key)
    if text is None:
        raise KeyError(f"message {key!r} missing from {CATALOGUE.name}")
    return text.format(**values) if values else text


def label(kind: str, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Display name of a vocabulary key, e.g. label('industry', 'lighting') → 灯饰照明."""
    return t(f"{kind}.{key}", lang)


def ref(key: str, **params: object) -> dict[str, object]:
    """A parameter that is itself a catalogue entry (a stage name, a reason), rendered in the reader's language."""
    return {"key": key, "params": params} if params else {"key": key}


def render(key: str, params: Mapping[str, object], lang: str = DEFAULT_LANGUAGE) -> str:
    """The catalogue entry for key in lang, filled with JSON-safe params.

    A parameter may be a ref() (rendered from the catalogue in the same language) or a list of values
    (joined with the language's list separator); anything else is filled in as given.
    """
    return t(key, lang).format_map({name: _value(value, lang) for name, value in params.items()})


def _value(value: object, lang: str) -> object:
    if isinstance(value, Mapping) and "key" in value:
        return render(str(value["key"]), value.get("params") or {}, lang)
    if isinstance(value, list | tuple):
        return t("list.separator", lang).join(str(_value(v, lang)) for v in value)
    return "" if value is None else value
