"""The ledger vocabulary (header synonyms and value mappings), loaded once from vocabulary.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import opencc

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")

PROJECT_TYPES = ("settle", "return", "new_site", "expansion")
CHANNELS = ("referral", "fund", "event", "agency", "listing", "direct", "other", "unknown")

_BRACKETED = re.compile(r"[（(【\[〔<《][^）)】\]〕>》]*[）)】\]〕>》]")
_NOISE = re.compile(r"[\s\u3000*＊※:：]+")
# A unit written after the label without brackets: "计划总投资/万元", "总投资 亿元", "投资额单位:万元".
_TRAILING_UNIT = re.compile(
    r"(?<=.)(?:[/／,，、](?:单位)?(?:人民币)?(?:亿|万|千万|百万)?|(?:单位)?(?:人民币)?(?:亿|万|千万|百万))元$"
)
# A value synonym right after one of these is negated ("未签约", "待落地", "拟签约"), so it does not count.
_NEGATIONS = frozenset("未待拟不没非")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 16)
def to_simplified(text: str) -> str:
    """Convert Traditional-script text to Simplified (cached, bounded: ledgers repeat their values)."""
    try:
        # Text that fits GB2312 has no Traditional characters; the check costs far less than a conversion.
        text.encode("gb2312")
        return text
    except UnicodeEncodeError:
        return _converter().convert(text)


@cache
def to_traditional(text: str) -> str:
    """Simplified → Traditional, for the few vocabulary words matched against raw (unconverted) text."""
    return opencc.OpenCC("s2t").convert(text)


@lru_cache(maxsize=1 << 16)
def header_key(text: str) -> str:
    """Normalise a header for matching: Simplified, no units (bracketed or trailing), spaces, breaks or colons."""
    return _TRAILING_UNIT.sub("", _NOISE.sub("", _BRACKETED.sub("", to_simplified(str(text)))))


@dataclass(frozen=True)
class Vocabulary:
    header_to_field: dict[str, str]
    ignored_headers: frozenset[str]
    date_fields: tuple[str, ...]
    stages: dict[str, str]
    industries: dict[str, str]
    other_words: frozenset[str]  # 其他 / 其它: a section title or a targets row naming the industry "other"
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
    """text -> key, texts normalised like headers and upper-cased (so "led" finds LED)."""
    return {header_key(text).upper(): key for key, texts in table.items() for text in texts}


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Load the vocabulary file once."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(
        header_to_field=_invert(raw["fields"]),
        ignored_headers=frozenset(header_key(t) for t in raw["ignored_headers"]["names"]),
        date_fields=tuple(raw["date_fields"]["names"]),
        stages=_invert(raw["stages"]),
        industries=_invert(raw["industries"]),
        other_words=frozenset(header_key(t).upper() for t in raw["other_industry"]["names"]),
        project_types=_invert(raw["project_types"]),
        channels=_invert(raw["channels"]),
        totals_markers=tuple(raw["row_markers"]["totals"]),
        footnote_markers=tuple(raw["row_markers"]["footnotes"]),
        non_data_sheets=frozenset(header_key(t) for t in raw["sheets"]["non_data"]),
        target_sheets=frozenset(header_key(t) for t in raw["sheets"]["targets"]),
    )


def matches(table: dict[str, str], text: str | None) -> list[tuple[int, int, str]]:
    """Every synonym found in a cell text as (position, -length, key), skipping negated ones (未签约)."""
    if not text:
        return []
    # Brackets are kept here: "已签约（暂缓）" must still show its 暂缓.
    key = _NOISE.sub("", to_simplified(str(text))).upper()
    found = []
    for synonym, value in table.items():
        start = key.find(synonym)
        while start >= 0:
            if not (start and key[start - 1] in _NEGATIONS):
                found.append((start, -len(synonym), value))
                break
            start = key.find(synonym, start + 1)
    return sorted(found)


def lookup(table: dict[str, str], text: str | None) -> str | None:
    """Map a cell text to a key: exact match first, else the synonym found earliest in the text."""
    if not text:
        return None
    exact = table.get(header_key(text).upper())
    if exact:
        return exact
    # Earliest occurrence wins; among synonyms at the same place the longest is most specific.
    found = matches(table, text)
    return found[0][2] if found else None


def lookup_stage(stages: dict[str, str], text: str | None) -> str | None:
    """Map a stage cell to a key like lookup, except that any mention of a suspension wins (已签约（暂缓）)."""
    found = matches(stages, text)
    if any(key == "suspended" for _, _, key in found):
        return "suspended"
    return lookup(stages, text)
