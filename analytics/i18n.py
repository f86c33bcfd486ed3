"""The message catalogue: every UI string by key, in Simplified Chinese (default) and English."""

from __future__ import annotations

import tomllib
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
