"""What the importer reports: row-precise issues and the one exception that refuses a file.

Both carry a code and JSON-safe parameters, never a sentence: the sentences, in Chinese and English, are
the catalogue entries issue.<code> and reject.<code> of analytics/messages.toml, filled in by
analytics.i18n.render in the reader's language. Stored reports keep code and params for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.i18n import DEFAULT_LANGUAGE, render, t

Params = dict[str, object]
"""Values a sentence is filled with: str, int, float, None, lists of them, or i18n.ref() entries."""

LEGACY = "as_stored"
"""Code of an issue stored before issues had codes: its Chinese sentence is all there is."""


@dataclass(frozen=True, init=False)
class Issue:
    """One finding about one place in the upload; row is the spreadsheet's own 1-based row."""

    code: str  # the catalogue entry issue.<code> says it in words
    sheet: str | None
    row: int | None
    column: str | None
    severity: str  # "error" (row left out), "warning" (value fixed or emptied), "info"
    params: Params = field(default_factory=dict, hash=False)

    def __init__(
        self, code: str, sheet: str | None, row: int | None, column: str | None, severity: str,
        params: Params | None = None,
    ) -> None:  # fmt: skip
        # The generated __init__ of a frozen dataclass sets each field through object.__setattr__. A big ledger
        # makes tens of thousands of issues, and each is made again when it crosses the sandbox: filling the
        # instance's dict at once takes a third of the time. Frozen all the same: assignment still raises.
        fields = self.__dict__
        fields["code"], fields["sheet"], fields["row"], fields["column"] = code, sheet, row, column
        fields["severity"], fields["params"] = severity, {} if params is None else params

    def __reduce__(self) -> tuple:
        # A large import carries tens of thousands of issues across the sandbox's process boundary: pickling
        # them as plain constructor arguments is several times faster than the dataclass default.
        return (Issue, (self.code, self.sheet, self.row, self.column, self.severity, self.params))

    def sentence(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What was found, as one sentence in lang (place is in sheet, row and column)."""
        return render(f"issue.{self.code}", self.params, lang)

    @property
    def message(self) -> str:
        """The Chinese sentence: what the command line prints."""
        return self.sentence()

    def record(self) -> dict:
        """As stored with a snapshot: the code and params, so the report renders in either language later."""
        return {
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "severity": self.severity,
            "params": self.params,
        }

    def as_dict(self) -> dict:
        """The JSON shape of the command line: the record plus the Chinese message (older consumers read it)."""
        return {**self.record(), "message": self.message}

    @classmethod
    def from_record(cls, record: dict) -> Issue:
        """An issue read back from a stored report; one stored before codes keeps its Chinese sentence."""
        where = (record.get("sheet"), record.get("row"), record.get("column"), record.get("severity") or "info")
        if record.get("code"):
            return cls(record["code"], *where, record.get("params") or {})
        return cls(LEGACY, *where, {"message": record.get("message") or ""})


class ImportRejected(Exception):
    """The file as a whole cannot be imported; nothing is stored."""

    def __init__(
        self,
        code: str,
        file: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        params: Params | None = None,
    ) -> None:
        self.code, self.file, self.sheet, self.row, self.column = code, file, sheet, row, column
        self.params: Params = params or {}
        super().__init__(self.sentence())

    def reason(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Why the file is refused, without the place."""
        return render(f"reject.{self.code}", self.params, lang)

    def sentence(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The refusal as one sentence naming file, sheet, row and column where known."""
        where = [t("refusal.file", lang, file=self.file)]
        if self.sheet:
            where.append(t("refusal.sheet", lang, sheet=self.sheet))
        if self.row:
            where.append(t("refusal.row", lang, row=self.row))
        if self.column:
            where.append(t("refusal.column", lang, column=self.column))
        return t("refusal.sentence", lang, where=t("refusal.separator", lang).join(where), reason=self.reason(lang))

    def record(self) -> dict:
        """The refusal as plain data (to cross a process boundary or be stored)."""
        return {
            "code": self.code, "file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
            "params": self.params,
        }  # fmt: skip

    @classmethod
    def from_record(cls, record: dict) -> ImportRejected:
        return cls(record["code"], record["file"], record["sheet"], record["row"], record["column"], record["params"])
