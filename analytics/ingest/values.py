"""Vectorised parsers turning messy ledger cells (python-calamine or CSV) into typed pandas Series.

Every parser works on whole Series; the only Python-level loops run over the *distinct* values of a
column (ledgers repeat values heavily) or over the distinct Python types present. A column is factorised once:
cleaning, placeholders and parsing then see each distinct text once (_Texts).
"""

import datetime as dt
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Parsed:
    """Parsed values plus per-cell problem masks, all three sharing the input Series' index."""

    values: pd.Series  # parsed values; NaN / NaT / None / False for empty, placeholder and invalid cells
    placeholder: pd.Series  # bool: the cell held an empty placeholder such as 待定 or —
    invalid: pd.Series  # bool: the cell held something else that could not be parsed


# Cell kinds, decided once per distinct Python type in a column (small ints: compared a million times).
_EMPTY, _STR, _NUM, _BOOL, _DATETIME, _DATE, _TIME, _OTHER = range(8)

# Full-width ASCII -> half-width, ideographic space -> space, and zero-width characters (pasted from web
# pages and WeChat) dropped, since they are invisible to the analyst yet break every exact match.
_WIDTH_TABLE: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE |= {0x3000: 0x20} | dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFE0F])
_SPACE_RUN = re.compile(r"\s+")
# The characters _WIDTH_TABLE changes, in runs: rare in real text, so one scan finds them and only runs are mapped.
_WIDTH_RUN = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _WIDTH_TABLE) + "]+")
# The same characters as UTF-16 code units (all in the Basic Multilingual Plane, so each is one unit and no half
# of a surrogate pair is one of them), to tell whether a text holds any with one vectorised look-up.
_WIDTH_UNIT = np.zeros(1 << 16, dtype=bool)
_WIDTH_UNIT[list(_WIDTH_TABLE)] = True
# Between texts cleaned as one string: not whitespace, so no whitespace run reaches across it.
_JOIN = "\x00"

# Runs of dashes/slashes also cover "---" and "———", which analysts type as often as the listed forms.
# Traditional forms (無, 暫無) are listed too: ledgers from Hong Kong and Taiwan offices write them.
_PLACEHOLDER = re.compile(r"[-－—–―/／]+|待定|未定|无|暂无|無|暫無|n/a|na", re.IGNORECASE)

# _PLACEHOLDER over distinct texts joined by NUL, each a whole text (between two NULs): 100,000 distinct names
# are one scan that fails at the first character after each NUL, instead of 100,000 calls.
_JOINED_PLACEHOLDER = re.compile(
    f"{_JOIN}(?=[-－—–―/／待未无暂無暫nN])(?:{_PLACEHOLDER.pattern})(?={_JOIN})", re.IGNORECASE
)

# Multiplier into 万元 of an amount magnitude word; "" is a bare 元.
_MAGNITUDE_WAN = {
    "亿": 1e4, "億": 1e4, "千万": 1e3, "千萬": 1e3, "百万": 1e2, "百萬": 1e2,
    "万": 1.0, "萬": 1.0, "千": 0.1, "": 1e-4,
}  # fmt: skip
_MAGNITUDE = "亿|億|千万|千萬|百万|百萬|万|萬|千"

# [0-9] rather than \d throughout: \d also matches Arabic-Indic and other Unicode digits.
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
_AMOUNT = re.compile(
    r"^(?:约|大约)?\s*(?:人民币|RMB|CNY|¥|￥)?\s*(?P<sign>[-+])?\s*"
    rf"(?P<number>{_NUMBER})\s*(?P<magnitude>{_MAGNITUDE})?(?P<yuan>元)?\s*(?:人民币)?\s*(?:左右)?$",
    re.IGNORECASE,
)

_TIME_OF_DAY = r"(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?)?"
_DATE_TEXT = re.compile(
    r"^(?:"
    rf"(?P<y1>[0-9]{{4}})(?P<sep>[-/.])(?P<m1>[0-9]{{1,2}})(?:(?P=sep)(?P<d1>[0-9]{{1,2}}){_TIME_OF_DAY})?"
    r"|(?P<y2>[0-9]{4}) ?年 ?(?P<m2>[0-9]{1,2}) ?月(?: ?(?P<d2>[0-9]{1,2}) ?[日号]?)?"
    r"|(?P<y3>[0-9]{4})(?P<m3>[0-9]{2})(?P<d3>[0-9]{2})"
    r"|(?P<serial>[0-9]{5}(?:\.[0-9]+)?)"
    r")$"
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 is 1900-01-01 once Excel's fake 1900-02-29 is skipped
# Serials 20000..80000 are 1954-10-03..2119-01-11 (the date window below still applies); other numbers
# in a date column are years, yyyymmdd or typos, not serials.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
_DATE_MIN, _DATE_MAX = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31")

_FLAG_WORDS = dict.fromkeys(
    ["是", "√", "✓", "✔", "y", "yes", "true", "1", "重点", "是(重点)", "★", "重點", "是(重點)"], True
)
_FLAG_WORDS |= dict.fromkeys(["否", "×", "✗", "✘", "n", "no", "false", "0", "非重点", "一般", "非重點"], False)

_CURRENCY = r"(?P<currency>元|美元|美金|港元|港币|港幣|欧元|歐元|日元|英镑|英鎊|USD|HKD|EUR|JPY|GBP|\$)"
_UNIT_OPTIONAL = rf"(?:人民币)?(?P<magnitude>{_MAGNITUDE})? ?{_CURRENCY}?"
_UNIT_REQUIRED = rf"(?:人民币)?(?P<magnitude>{_MAGNITUDE})? ?{_CURRENCY}"
# Most explicit context first; a bare trailing 元 is only a unit when set apart, so 单元 is not one, and a
# bracket must hold nothing but the unit, so （万元/亩） (a price per area) is not one either.
_UNIT_CONTEXTS = [
    re.compile(rf"单位 ?:? ?{_UNIT_OPTIONAL}"),
    re.compile(rf"[(\[【] ?{_UNIT_OPTIONAL} ?[)\]】]"),
    re.compile(rf"(?:^|[/ ,、:;]){_UNIT_REQUIRED}$"),
    re.compile(rf"(?P<magnitude>{_MAGNITUDE}) ?{_CURRENCY}$"),
]


def _classify_type(kind: type) -> int:
    """Cell kind of a Python type (bool before int, datetime before date: both are subclasses)."""
    if kind is type(None) or kind is type(pd.NA) or kind is type(pd.NaT):
        return _EMPTY
    if issubclass(kind, bool | np.bool_):
        return _BOOL
    if issubclass(kind, str):
        return _STR
    if issubclass(kind, numbers.Real):  # int, float and the numpy scalar types
        return _NUM
    if issubclass(kind, dt.datetime):
        return _DATETIME
    if issubclass(kind, dt.date):
        return _DATE
    if issubclass(kind, dt.time):
        return _TIME
    return _OTHER


def _kinds(values: np.ndarray) -> np.ndarray:
    """Cell kind of every value, classifying each distinct Python type once."""
    # A column of texts only (names, investors, stages: most of a ledger) is told by one C-speed check, where
    # taking every cell's type costs several times as much.
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return np.full(len(values), _STR, dtype=np.int8)
    codes, types = pd.factorize(np.frompyfunc(type, 1, 1)(values))
    return np.array([_classify_type(t) for t in types] + [_EMPTY], dtype=np.int8)[codes]


def _factorize_strings(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of an array of str/None; None gets code -1."""
    # pandas 3's string hash table compares whole strings, NULs included ("a\x00b" stays apart from "a": tested),
    # and is twice as fast as the generic object table a None among the texts would make it pick.
    return pd.factorize(text)


def _clean_one(text: str) -> str | None:
    """Half-width, single-spaced, stripped; None when nothing is left."""
    return _SPACE_RUN.sub(" ", text.translate(_WIDTH_TABLE)).strip() or None


def _half_width(run: re.Match) -> str:
    return run.group().translate(_WIDTH_TABLE)


_FEW_HITS = 16  # below this many hits, each is placed by counting the NULs before it (no per-text lengths)


def texts_hit(texts: list[str], joined: str, hits: list[int]) -> np.ndarray:
    """Bool per text: whether a match found at one of `hits` starts at the NUL before it or inside it.

    joined is NUL + NUL.join(texts), maybe with a NUL after the last; no text holds a NUL itself.
    """
    found = np.zeros(len(texts), dtype=bool)
    if len(hits) <= _FEW_HITS:  # nearly always none, or a 合计 row's
        found[[joined.count(_JOIN, 0, hit + 1) - 1 for hit in hits]] = True
        return found
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    begins = np.cumsum(sizes) - sizes  # where each text's NUL is
    found[np.searchsorted(begins, hits, side="right") - 1] = True
    return found


def _clean(texts: list[str | None]) -> list[str | None]:
    """_clean_one of each text (None stays None), done as one pass of each regex over all the texts joined.

    A 100,000-row sheet has about as many distinct names; a few scans of one long string cost a fraction of
    100,000 calls each. Texts that hold the joining character themselves are cleaned one by one.
    """
    present = [text for text in texts if text is not None]
    joined = _JOIN.join(present)
    if not present or joined.count(_JOIN) != len(present) - 1:
        return [None if text is None else _clean_one(text) for text in texts]
    units = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    widened = bool(_WIDTH_UNIT[units].any())
    if widened:
        joined = _WIDTH_RUN.sub(_half_width, joined)
    # str.split() cuts at exactly the runs _SPACE_RUN matches (\s is str.isspace) and drops those at the ends,
    # at C speed: the regex tests every character of 100,000 names, which rarely hold a space at all.
    words = joined.split()
    if not widened and words == [joined]:  # no space and no full-width form anywhere: nothing to clean
        return texts if all(texts) else [text or None for text in texts]  # (the very list when no text is empty)
    # Every whitespace run is one space now, so stripping a text is dropping a space beside a join.
    joined = " ".join(words).replace(" " + _JOIN, _JOIN).replace(_JOIN + " ", _JOIN)
    cleaned = iter(joined.split(_JOIN))
    return [None if text is None else (next(cleaned) or None) for text in texts]


@dataclass(frozen=True)
class _Texts:
    """Cells as normalised text, each text held once per distinct value it was read from (all but a column of
    nearly all different names, which is not worth de-duplicating): codes[i] indexes uniques, -1 for an empty cell."""

    codes: np.ndarray
    uniques: np.ndarray  # object array of non-empty normalised strings (two raw values may clean to one text)

    def spread(self, per_text: np.ndarray, fill: object) -> np.ndarray:
        """One value per cell from one value per distinct text; empty cells get fill."""
        return np.concatenate([per_text, np.array([fill], dtype=per_text.dtype)])[self.codes]

    def values(self) -> np.ndarray:
        """Object array of the normalised strings, None for empty cells."""
        return self.spread(self.uniques, None)

    def per_text(self, parse: Callable[[pd.Series], pd.Series], fill: object) -> np.ndarray:
        """A vectorised parser run over the distinct texts, spread back to the cells; empty cells get fill."""
        return self.spread(parse(pd.Series(self.uniques, dtype=object)).to_numpy(), fill)

    def placeholder(self) -> np.ndarray:
        """Bool per cell: the text is an empty placeholder (待定, —, 暂无)."""
        texts = self.uniques.tolist()
        joined = _JOIN + _JOIN.join(texts) + _JOIN
        if joined.count(_JOIN) != len(texts) + 1:  # a text holds a NUL itself
            found = np.array([_PLACEHOLDER.fullmatch(u) is not None for u in texts], dtype=bool)
        else:
            found = texts_hit(texts, joined, [m.start() for m in _JOINED_PLACEHOLDER.finditer(joined)])
        return self.spread(found, False)


_SAMPLE = 1000


def _mostly_distinct(texts: np.ndarray) -> bool:
    """Whether a column's texts are nearly all different (project names), judged on an evenly spread sample: then
    finding the distinct ones costs more than it saves, since cleaning runs over all texts joined anyway."""
    if len(texts) < 4 * _SAMPLE:
        return False
    sample = texts[:: len(texts) // _SAMPLE].tolist()
    return len(set(sample)) > 0.9 * len(sample)


def _object_array(items: list) -> np.ndarray:
    """A 1-d object array of the items, whatever they are."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _texts(values: np.ndarray) -> _Texts:
    """Cells (any kind) as the text the analyst sees, normalised, each distinct value rendered and cleaned once."""
    kinds = _kinds(values)
    codes = np.full(len(values), -1, dtype=np.intp)
    uniques: list[np.ndarray] = []  # the texts of each kind of cell, numbered on from those before
    held = 0
    for kind in np.unique(kinds).tolist():
        if kind == _EMPTY:
            continue
        mask = kinds == kind
        if kind == _STR and _mostly_distinct(texts := values[mask]):
            group_codes, distinct = np.arange(len(texts)), texts  # names: cleaned one each, as distinct
        elif kind == _STR:
            group_codes, distinct = _factorize_strings(texts)
        else:  # one kind at a time: True == 1 would merge a flag with a number
            group_codes, distinct = pd.factorize(values[mask], use_na_sentinel=False)
            distinct = _object_array([_render_scalar(value) for value in distinct])
        rendered = distinct.tolist()
        cleaned = _clean(rendered)
        if cleaned is rendered:  # every text as it was, none emptied (names, as a rule): no list to rebuild
            renumbered = np.arange(held, held + len(distinct))
            uniques.append(distinct)
        else:
            kept = np.array([text is not None for text in cleaned], dtype=bool)
            renumbered = np.where(kept, np.cumsum(kept) - 1 + held, -1)
            uniques.append(_object_array([text for text in cleaned if text is not None]))
        held += len(uniques[-1])
        codes[mask] = np.append(renumbered, -1)[group_codes]
    return _Texts(codes, np.concatenate(uniques) if uniques else np.zeros(0, dtype=object))


def _format_number(value: object) -> str | None:
    """Number as typed: whole floats without '.0' (Excel stores 3000 as 3000.0), NaN as None."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return None
    return str(int(x)) if x.is_integer() else repr(x)


def _render_scalar(value: object) -> str | None:
    """Non-string cell as the text the analyst sees in Excel (dates ISO, midnight times dropped)."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Real):
        return _format_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _normalise(values: np.ndarray) -> np.ndarray:
    """Object array of normalised strings or None, one per value."""
    return _texts(values).values()


def normalise_text(s: pd.Series) -> pd.Series:
    """Cells as stripped half-width strings with whitespace runs collapsed to one space, or None if empty."""
    return pd.Series(_normalise(s.to_numpy(dtype=object)), index=s.index, dtype=object)


def is_placeholder(s: pd.Series) -> pd.Series:
    """Bool per cell of normalised text: an empty placeholder such as 待定, —, /, 暂无 or N/A."""
    found = [isinstance(text, str) and _PLACEHOLDER.fullmatch(text) is not None for text in s.to_numpy(dtype=object)]
    return pd.Series(found, index=s.index, dtype=bool)


def _floats(values: np.ndarray) -> np.ndarray:
    """Numeric cells as float64; ints too large for a float become inf (and so invalid)."""
    try:
        return values.astype(np.float64)
    except OverflowError:
        return np.array([_float_or_inf(v) for v in values], dtype=np.float64)


def _float_or_inf(value: object) -> float:
    """float(value), or inf for an int beyond the float range."""
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf


def _amount_strings(u: pd.Series, default_unit_wan: float) -> pd.Series:
    """Amount texts in 万元, NaN where unreadable, negative, or in a currency other than RMB."""
    parts = u.str.extract(_AMOUNT)
    number = parts["number"].str.replace(",", "", regex=False).astype(np.float64)
    magnitude = parts["magnitude"].fillna("")
    has_unit = parts["magnitude"].notna() | parts["yuan"].notna()
    multiplier = magnitude.map(_MAGNITUDE_WAN).where(has_unit, default_unit_wan)
    # "5千" alone is ambiguous (5千元 or 5千万?), so 千 only counts with 元 after it.
    multiplier = multiplier.where(~((magnitude == "千") & parts["yuan"].isna()))
    wan = number * multiplier
    bad = ((parts["sign"] == "-") & (wan > 0)) | ~np.isfinite(wan)
    return wan.where(~bad)


def parse_amount(s: pd.Series, default_unit_wan: float) -> Parsed:
    """Amounts in 万元 (4 decimals); default_unit_wan is the column unit in 万元 (亿元 10000, 元 0.0001)."""
    values = s.to_numpy(dtype=object)
    kinds = _kinds(values)
    wan = np.full(len(values), np.nan)
    placeholder = np.zeros(len(values), dtype=bool)
    invalid = np.isin(kinds, [_BOOL, _DATETIME, _DATE, _TIME, _OTHER])

    numeric = kinds == _NUM
    if numeric.any():
        x = _floats(values[numeric]) * default_unit_wan
        bad = ~np.isnan(x) & (~np.isfinite(x) | (x < 0))
        wan[numeric] = np.where(bad, np.nan, x)
        invalid[numeric] = bad

    textual = kinds == _STR
    if textual.any():
        texts = _texts(values[textual])
        ph = texts.placeholder()
        parsed = texts.per_text(lambda u: _amount_strings(u, default_unit_wan), np.nan)
        parsed = np.where(ph, np.nan, parsed)
        wan[textual] = parsed
        placeholder[textual] = ph
        invalid[textual] = (texts.codes >= 0) & ~ph & np.isnan(parsed)

    # Rounding kills float noise (1.1亿 -> 11000.000000000002); above 1e11 a double has no 4th decimal to
    # round, and scaling by 10**4 could overflow a huge-but-valid value to inf.
    small = np.abs(np.nan_to_num(wan)) < 1e11
    wan[small] = np.round(wan[small], 4)
    return Parsed(
        pd.Series(wan, index=s.index, dtype=np.float64),
        pd.Series(placeholder, index=s.index, dtype=bool),
        pd.Series(invalid, index=s.index, dtype=bool),
    )


def _in_window(dates: pd.Series) -> pd.Series:
    """Dates outside 1900-01-01..2100-12-31 set to NaT: beyond that they are typos, not project dates."""
    return dates.where((dates >= _DATE_MIN) & (dates <= _DATE_MAX))


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """datetime64 from numeric year/month/day; impossible dates (2023-02-30, month 13) become NaT."""
    year = year.where(year.between(_DATE_MIN.year, _DATE_MAX.year))
    frame = pd.DataFrame({"year": year, "month": month, "day": day})
    return _in_window(pd.to_datetime(frame, errors="coerce"))


def _date_strings(u: pd.Series) -> pd.Series:
    """Date texts as datetime64 at midnight, NaT where unreadable (month-only forms give the 1st)."""
    parts = u.str.extract(_DATE_TEXT).drop(columns="sep").astype(np.float64)  # groups hold only digits and "."
    year = parts["y1"].fillna(parts["y2"]).fillna(parts["y3"])
    month = parts["m1"].fillna(parts["m2"]).fillna(parts["m3"])
    day = parts["d1"].fillna(parts["d2"]).fillna(parts["d3"]).fillna(1.0)
    dates = _from_parts(year, month, day.where(year.notna()))

    serial = parts["serial"]
    serial = np.floor(serial.where(serial.between(_SERIAL_MIN, _SERIAL_MAX)))  # the fraction is time of day
    return dates.fillna(_in_window(_EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")))


def _ymd(value: object) -> int:
    """Calendar date of a date/datetime cell as yyyymmdd (wall clock; any time zone is ignored)."""
    return value.year * 10000 + value.month * 100 + value.day  # type: ignore[attr-defined]


def parse_date(s: pd.Series) -> Parsed:
    """Dates as datetime64[ns] at midnight (NaT when empty, placeholder or invalid)."""
    values = s.to_numpy(dtype=object)
    kinds = _kinds(values)
    dates = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    placeholder = np.zeros(len(values), dtype=bool)
    invalid = np.isin(kinds, [_BOOL, _TIME, _OTHER])

    calendar = np.isin(kinds, [_DATETIME, _DATE])
    if calendar.any():  # each distinct day once: a ledger's 100,000 dates fall on a few hundred days
        codes, days = pd.factorize(values[calendar], use_na_sentinel=False)
        ymd = pd.Series(np.frompyfunc(_ymd, 1, 1)(days).astype(np.int64))
        parsed = _from_parts(ymd // 10000, ymd // 100 % 100, ymd % 100).to_numpy()[codes]
        dates[calendar] = parsed
        invalid[calendar] = np.isnat(parsed)

    # Numbers go through their text form: 45054 -> serial, 20230508 -> yyyymmdd, 2023.5 -> year.month.
    # A float cannot tell 2023.1 from 2023.10 (both are the same double), so a numeric 2023.1 / 2023.10
    # reads as January; only a text cell keeps the digits that distinguish October.
    textual = np.isin(kinds, [_STR, _NUM])
    if textual.any():
        texts = _texts(values[textual])
        ph = texts.placeholder()
        parsed = texts.per_text(_date_strings, np.datetime64("NaT"))
        parsed[ph] = np.datetime64("NaT")
        dates[textual] = parsed
        placeholder[textual] = ph
        invalid[textual] = (texts.codes >= 0) & ~ph & np.isnat(parsed)

    return Parsed(
        pd.Series(dates, index=s.index, dtype="datetime64[ns]"),
        pd.Series(placeholder, index=s.index, dtype=bool),
        pd.Series(invalid, index=s.index, dtype=bool),
    )


def parse_flag(s: pd.Series) -> Parsed:
    """Yes/no flags as bool: 是/√/Y/1/重点/★ are True, 否/×/N/0/一般 False; empty cells are False."""
    texts = _texts(s.to_numpy(dtype=object))  # bools render as TRUE/FALSE, 1.0 as "1"
    ph = texts.placeholder()
    flag = texts.per_text(lambda u: u.str.casefold().map(_FLAG_WORDS).astype(object), None)
    unknown = pd.isna(flag)
    return Parsed(
        pd.Series(np.where(unknown, False, flag).astype(bool), index=s.index, dtype=bool),
        pd.Series(ph, index=s.index, dtype=bool),
        pd.Series((texts.codes >= 0) & ~ph & unknown, index=s.index, dtype=bool),
    )


def parse_text(s: pd.Series) -> Parsed:
    """Normalised text, None for empty cells and placeholders; never invalid."""
    texts = _texts(s.to_numpy(dtype=object))
    ph = texts.placeholder()
    text = texts.values()
    text[ph] = None
    return Parsed(
        pd.Series(text, index=s.index, dtype=object),
        pd.Series(ph, index=s.index, dtype=bool),
        pd.Series(False, index=s.index, dtype=bool),
    )


def foreign_unit(text: str) -> tuple[str, float] | None:
    """(currency as written, magnitude as a multiplier into 万 of it) of a foreign-currency unit in a header
    or title (万美元 -> ("美元", 1.0), 美元 -> ("美元", 0.0001)); None when absent or RMB."""
    cleaned = _normalise(np.array([text], dtype=object))[0]
    if cleaned is None:
        return None
    for context in _UNIT_CONTEXTS:
        for match in context.finditer(cleaned):
            magnitude, currency = match.group("magnitude"), match.group("currency")
            if currency not in (None, "元"):
                return currency, _MAGNITUDE_WAN[magnitude or ""]
            if magnitude or currency:
                return None
    return None


def unit_multiplier(text: str) -> float | None:
    """Multiplier into 万元 of the unit in a header or title (亿元 -> 10000); None if absent or not RMB."""
    cleaned = _normalise(np.array([text], dtype=object))[0]
    if cleaned is None:
        return None
    for context in _UNIT_CONTEXTS:
        for match in context.finditer(cleaned):
            magnitude, currency = match.group("magnitude"), match.group("currency")
            if currency not in (None, "元"):
                return None  # 万美元 etc.: converting needs an exchange rate we must not guess
            if magnitude or currency:
                return _MAGNITUDE_WAN[magnitude or ""]
    return None
