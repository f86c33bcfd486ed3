"""Vectorised parsers turning messy ledger cells (python-calamine or CSV) into typed pandas Series.

Every parser works on whole Series; the only Python-level loops run over the *distinct* strings of a
column (ledgers repeat values heavily) or over the distinct Python types present.
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


# Cell kinds, decided once per distinct Python type in a column.
_EMPTY, _STR, _NUM, _BOOL, _DATETIME, _DATE, _TIME, _OTHER = (
    "empty", "str", "num", "bool", "datetime", "date", "time", "other",
)  # fmt: skip

# Full-width ASCII -> half-width, ideographic space -> space, and zero-width characters (pasted from web
# pages and WeChat) dropped, since they are invisible to the analyst yet break every exact match.
_WIDTH_TABLE: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE |= {0x3000: 0x20} | dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFE0F])
_SPACE_RUN = re.compile(r"\s+")

# Runs of dashes/slashes also cover "---" and "———", which analysts type as often as the listed forms.
# Traditional forms (無, 暫無) are listed too: ledgers from Hong Kong and Taiwan offices write them.
_PLACEHOLDER = re.compile(r"[-－—–―/／]+|待定|未定|无|暂无|無|暫無|n/a|na", re.IGNORECASE)

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
_DATE = re.compile(
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


def _classify_type(kind: type) -> str:
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
    codes, types = pd.factorize(np.frompyfunc(type, 1, 1)(values))
    return np.array([_classify_type(t) for t in types] + [_EMPTY], dtype=object)[codes]


def _map_unique(values: np.ndarray, func: Callable[[object], object]) -> np.ndarray:
    """Apply func once per distinct value (values must be of one kind: True == 1 would merge otherwise)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [func(u) for u in uniques]
    return results[codes]


def _factorize_strings(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of an array of str/None; None gets code -1."""
    # An all-str array makes pandas pick its C-string hash table, which cuts strings at NUL and so merges
    # "a\x00b" with "a"; a trailing None forces the generic (exact) object hash table instead.
    codes, uniques = pd.factorize(np.append(text, None))
    return codes[:-1], uniques


def _via_uniques(text: np.ndarray, parse: Callable[[pd.Series], pd.Series], fill: object) -> np.ndarray:
    """Run a vectorised parser over the distinct strings of text and spread results back; None gets fill."""
    codes, uniques = _factorize_strings(text)
    result = parse(pd.Series(uniques, dtype=object)).to_numpy()
    # Code -1 (a None cell) indexes the appended fill.
    return np.concatenate([result, np.array([fill], dtype=result.dtype)])[codes]


def _clean_strings(u: pd.Series) -> pd.Series:
    """Half-width, single-spaced, stripped strings; blank ones become None."""
    cleaned = u.str.translate(_WIDTH_TABLE).str.replace(_SPACE_RUN, " ", regex=True).str.strip()
    return cleaned.where(cleaned != "", None)


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
    kinds = _kinds(values)
    out = np.full(len(values), None, dtype=object)
    for kind in set(kinds.tolist()) - {_EMPTY}:
        mask = kinds == kind
        text = values[mask] if kind == _STR else _map_unique(values[mask], _render_scalar)
        out[mask] = _via_uniques(text, _clean_strings, None)
    return out


def _placeholder_mask(text: np.ndarray) -> np.ndarray:
    """Bool array: normalised text (str or None) is an empty placeholder."""
    return _via_uniques(text, lambda u: u.str.fullmatch(_PLACEHOLDER, na=False).astype(bool), False)


def normalise_text(s: pd.Series) -> pd.Series:
    """Cells as stripped half-width strings with whitespace runs collapsed to one space, or None if empty."""
    return pd.Series(_normalise(s.to_numpy(dtype=object)), index=s.index, dtype=object)


def is_placeholder(s: pd.Series) -> pd.Series:
    """Bool per cell of normalised text: an empty placeholder such as 待定, —, /, 暂无 or N/A."""
    return pd.Series(_placeholder_mask(s.to_numpy(dtype=object)), index=s.index, dtype=bool)


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
        text = _normalise(values[textual])
        ph = _placeholder_mask(text)
        parsed = _via_uniques(text, lambda u: _amount_strings(u, default_unit_wan), np.nan)
        parsed = np.where(ph, np.nan, parsed)
        wan[textual] = parsed
        placeholder[textual] = ph
        invalid[textual] = pd.notna(text) & ~ph & np.isnan(parsed)

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
    parts = u.str.extract(_DATE).drop(columns="sep").astype(np.float64)  # groups hold only digits and "."
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
    if calendar.any():
        ymd = pd.Series(np.frompyfunc(_ymd, 1, 1)(values[calendar]).astype(np.int64))
        parsed = _from_parts(ymd // 10000, ymd // 100 % 100, ymd % 100).to_numpy()
        dates[calendar] = parsed
        invalid[calendar] = np.isnat(parsed)

    # Numbers go through their text form: 45054 -> serial, 20230508 -> yyyymmdd, 2023.5 -> year.month.
    # A float cannot tell 2023.1 from 2023.10 (both are the same double), so a numeric 2023.1 / 2023.10
    # reads as January; only a text cell keeps the digits that distinguish October.
    textual = np.isin(kinds, [_STR, _NUM])
    if textual.any():
        text = _normalise(values[textual])
        ph = _placeholder_mask(text)
        parsed = _via_uniques(text, _date_strings, np.datetime64("NaT"))
        parsed[ph] = np.datetime64("NaT")
        dates[textual] = parsed
        placeholder[textual] = ph
        invalid[textual] = pd.notna(text) & ~ph & np.isnat(parsed)

    return Parsed(
        pd.Series(dates, index=s.index, dtype="datetime64[ns]"),
        pd.Series(placeholder, index=s.index, dtype=bool),
        pd.Series(invalid, index=s.index, dtype=bool),
    )


def parse_flag(s: pd.Series) -> Parsed:
    """Yes/no flags as bool: 是/√/Y/1/重点/★ are True, 否/×/N/0/一般 False; empty cells are False."""
    text = _normalise(s.to_numpy(dtype=object))  # bools render as TRUE/FALSE, 1.0 as "1"
    ph = _placeholder_mask(text)
    flag = _via_uniques(text, lambda u: u.str.casefold().map(_FLAG_WORDS).astype(object), None)
    unknown = pd.isna(flag)
    return Parsed(
        pd.Series(np.where(unknown, False, flag).astype(bool), index=s.index, dtype=bool),
        pd.Series(ph, index=s.index, dtype=bool),
        pd.Series(pd.notna(text) & ~ph & unknown, index=s.index, dtype=bool),
    )


def parse_text(s: pd.Series) -> Parsed:
    """Normalised text, None for empty cells and placeholders; never invalid."""
    text = _normalise(s.to_numpy(dtype=object))
    ph = _placeholder_mask(text)
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
