"""The ledger vocabulary (header synonyms and value mappings), loaded once from vocabulary.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")

STAGES = ("negotiating", "signed", "landed", "construction", "production")
"""The ladder of stages, in order; `suspended` is a status beside it, not a rung."""
ALL_STAGES = (*STAGES, "suspended")
INDUSTRIES = ("lighting", "new_it", "new_energy", "other")
PROJECT_TYPES = ("settle", "return", "new_site", "expansion")
CHANNELS = ("referral", "fund", "event", "agency", "listing", "direct", "other", "unknown")

_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NOISE = re.compile(r"[\s\u3000*※:：]+")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def to_simplified(text: str) -> str:
    """Convert Traditional-script text to Simplified (cached: ledgers repeat their values)."""
    return _converter().convert(text)


def header_key(text: str) -> str:
    """Normalise a header for matching: Simplified, no brackets (units), spaces, breaks or colons."""
    return _NOISE.sub("", _BRACKETED.sub("", to_simplified(str(text))))


@dataclass(frozen=True)
class Vocabulary:
    header_to_field: dict[str, str]
    ignored_headers: frozenset[str]
    amount_fields: tuple[str, ...]
    date_fields: tuple[str, ...]
    stages: dict[str, str]
    industries: dict[str, str]
    project_types: dict[str, str]
    channels: dict[str, str]
    totals_markers: tuple[str, ...]
    footnote_markers: tuple[str, ...]
    non_data_sheets: frozenset[str]
    target_sheets: frozenset[str]

    def fields(self) -> list[str]:
        """Canonical field names in declaration order."""
        return list(dict.fromkeys(self.header_to_field.values()))


def _invert(table: dict[str, list[str]]) -> dict[str, str]:
    return {header_key(text): key for key, texts in table.items() for text in texts}


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Load the vocabulary file once."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(
        header_to_field=_invert(raw["fields"]),
        ignored_headers=frozenset(header_key(t) for t in raw["ignored_headers"]["names"]),
        amount_fields=tuple(raw["amount_fields"]["names"]),
        date_fields=tuple(raw["date_fields"]["names"]),
        stages=_invert(raw["stages"]),
        industries=_invert(raw["industries"]),
        project_types=_invert(raw["project_types"]),
        channels=_invert(raw["channels"]),
        totals_markers=tuple(raw["row_markers"]["totals"]),
        footnote_markers=tuple(raw["row_markers"]["footnotes"]),
        non_data_sheets=frozenset(header_key(t) for t in raw["sheets"]["non_data"]),
        target_sheets=frozenset(header_key(t) for t in raw["sheets"]["targets"]),
    )


def lookup(table: dict[str, str], text: str | None) -> str | None:
    """Map a cell text to a key: exact match first, else the synonym found earliest in the text."""
    if not text:
        return None
    key = header_key(text).upper()
    upper_table = {k.upper(): v for k, v in table.items()}
    if key in upper_table:
        return upper_table[key]
    best: tuple[int, int, str] | None = None
    for synonym, value in upper_table.items():
        pos = key.find(synonym)
        # Earliest occurrence wins; among synonyms at the same place the longest is most specific.
        if pos >= 0 and (best is None or (pos, -len(synonym)) < best[:2]):
            best = (pos, -len(synonym), value)
    return best[2] if best else None
