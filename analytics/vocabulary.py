"""The ledger vocabulary (header synonyms and value mappings), loaded once from vocabulary.toml."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import opencc

from analytics.domain import RANK, SUSPENDED

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
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")  # loading its dictionaries costs ~30 ms: once per process, not once per word


@cache
def to_traditional(text: str) -> str:
    """Simplified → Traditional, for the few vocabulary words matched against raw (unconverted) text."""
    return _to_traditional().convert(text)


_IDENTITY_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def identity_key(text: str | None) -> str:
    """A name as the same project's name across sheets and snapshots: Simplified, width-folded, lower case,
    without spaces or punctuation ('' when empty)."""
    if not text:
        return ""
    return _IDENTITY_NOISE.sub("", to_simplified(unicodedata.normalize("NFKC", text))).lower()


_JOIN = "\x00"
_IDENTITY_NOISE_BUT_JOIN = re.compile(r"(?:[^\w\x00]|_)+")


def identity_keys(texts: Sequence[str | None]) -> list[str]:
    """identity_key of each text, worked out over all of them joined by NUL: a few passes over one string
    instead of a call per text (a 100,000-row ledger has as many names). NUL stops each step at a text's
    edge: it composes with nothing (NFKC), is GB2312 and not a cased letter (lower() of a final sigma)."""
    kinds = set(map(type, texts))  # at C speed, where a test per text in Python costs as much as the rest
    if not kinds <= {str, type(None)}:
        return [identity_key(text) for text in texts]
    joined = _JOIN.join([text or "" for text in texts] if type(None) in kinds else texts)
    if not texts or joined.count(_JOIN) != len(texts) - 1:  # a text holds a NUL itself
        return [identity_key(text) for text in texts]
    joined = unicodedata.normalize("NFKC", joined)
    try:
        joined.encode("gb2312")  # no text has a Traditional character: none needs converting
    except UnicodeEncodeError:
        joined = _JOIN.join(map(to_simplified, joined.split(_JOIN)))
    # _IDENTITY_NOISE ([\s\W_]: \w is exactly str.isalnum() or "_"), NUL kept. Most names hold none, which one
    # isalnum() over all of them tells at C speed, where the regex would test every character.
    words = joined.replace(_JOIN, "")
    if words and not words.isalnum():
        joined = _IDENTITY_NOISE_BUT_JOIN.sub("", joined)
    return joined.lower().split(_JOIN)


@lru_cache(maxsize=1 << 16)
def header_key(text: str) -> str:
    """Normalise a header for matching: Simplified, no units (bracketed or trailing), spaces, breaks or colons."""
    return _TRAILING_UNIT.sub("", _NOISE.sub("", _BRACKETED.sub("", to_simplified(str(text)))))


@dataclass(frozen=True)
class HeaderPattern:
    """A field a header means when its normalised text matches include and not exclude."""

    field: str
    include: re.Pattern
    exclude: re.Pattern | None


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
    header_patterns: tuple[HeaderPattern, ...] = ()
    generic_sub_labels: frozenset[str] = frozenset()
    totals_anywhere: tuple[str, ...] = ()
    key_mark: re.Pattern | None = None  # a key-project mark at the start of a name
    key_symbols: re.Pattern | None = None  # any key-project symbol (in a 序号 cell: ★1)
    form_labels: frozenset[str] = frozenset()
    summary_group_headers: frozenset[str] = frozenset()
    summary_count_headers: frozenset[str] = frozenset()
    currency_codes: dict[str, str] = field(default_factory=dict)  # currency word (upper case) -> code
    default_rates: dict[str, float] = field(default_factory=dict)  # code -> yuan per unit
    stage_negation: re.Pattern | None = None  # the end of a text that negates the stage word after it
    _meaning: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def fields(self) -> list[str]:
        """Canonical field names in declaration order."""
        return list(dict.fromkeys(self.header_to_field.values()))

    def header_field(self, text: str) -> str | None:
        """The field a header text means: a listed synonym, else the first pattern it matches (see the TOML)."""
        key = header_key(text).upper()
        if key in self._meaning:
            return self._meaning[key]
        found = self.header_to_field.get(key)
        if found is None and key:
            found = next(
                (
                    p.field
                    for p in self.header_patterns
                    if p.include.search(key) and not (p.exclude and p.exclude.search(key))
                ),
                None,
            )
        self._meaning[key] = found
        return found

    def by_pattern(self, text: str) -> bool:
        """Whether a header's field came from a pattern rather than a listed synonym."""
        return header_key(text).upper() not in self.header_to_field


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
        header_patterns=tuple(
            HeaderPattern(p["field"], _any_of(p["include"]), _any_of(p["exclude"]) if p["exclude"] else None)
            for p in raw.get("header_patterns", [])
        ),
        generic_sub_labels=frozenset(header_key(t) for t in raw["header_groups"]["generic_sub_labels"]),
        totals_anywhere=tuple(raw["row_markers"]["totals_anywhere"]),
        key_mark=_key_mark(raw["key_marks"]["symbols"], raw["key_marks"]["bracketed_words"]),
        key_symbols=re.compile("[" + "".join(map(re.escape, raw["key_marks"]["symbols"])) + "]"),
        form_labels=frozenset(header_key(t) for t in raw["form_labels"]["names"]),
        summary_group_headers=frozenset(header_key(t) for t in raw["summary_tables"]["group_headers"]),
        summary_count_headers=frozenset(header_key(t) for t in raw["summary_tables"]["count_headers"]),
        currency_codes={
            to_simplified(word).upper(): code for code, c in raw["currencies"].items() for word in c["words"]
        },
        default_rates={code: float(c["default_rate"]) for code, c in raw["currencies"].items()},
        stage_negation=_negation(raw["stage_negations"]["before"]),
    )


def _any_of(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# What may stand between a negating word and the stage it negates: a time (计划9月开工, 预计年底投产).
_WHEN = r"(?:[0-9一二三四五六七八九十]+[年月日号]?|[年月]?[底初中末内]|[上中下]旬|年内|近期|尽快|于|在)*"


def _negation(words: list[str]) -> re.Pattern:
    return re.compile(f"(?:{'|'.join(map(re.escape, words))}){_WHEN}$")


def _key_mark(symbols: list[str], words: list[str]) -> re.Pattern:
    """A mark at the start of a name: symbols, or a bracketed word such as 【重点】 / (省重点)."""
    marks = "".join(re.escape(s) for s in symbols)
    bracketed = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^\s*(?:[{marks}]+|[（(【\[〔]\s*(?:{bracketed})\s*[）)】\]〕])\s*")


def matches(table: dict[str, str], text: str | None, negation: re.Pattern | None = None) -> list[tuple[int, int, str]]:
    """Every synonym found in a cell text as (position, -length, key), skipping negated ones (未签约, and
    where the text before it ends as `negation` does: 计划9月开工)."""
    if not text:
        return []
    # Brackets are kept here: "已签约（暂缓）" must still show its 暂缓.
    key = _NOISE.sub("", to_simplified(str(text))).upper()
    found = []
    for synonym, value in table.items():
        start = key.find(synonym)
        while start >= 0:
            before = key[:start]
            negated = before and (before[-1] in _NEGATIONS or (negation is not None and negation.search(before)))
            if not negated:
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
    """Map a stage cell to a key: an exact synonym, else any mention of a suspension (已签约（暂缓）), else
    the furthest rung the text states as reached (已签订投资协议，正在办理供地手续 → signed; 计划开工 is not)."""
    if not text:
        return None
    found = matches(stages, text, vocabulary().stage_negation)
    keys = {key for _, _, key in found}
    if SUSPENDED in keys:
        return SUSPENDED
    exact = stages.get(header_key(text).upper())
    if exact:
        return exact
    reached = [key for key in keys if key in RANK]
    return max(reached, key=RANK.__getitem__) if reached else None
