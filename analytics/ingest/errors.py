"""What the importer reports: row-precise issues and the one exception that refuses a file."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """One finding about one place in the upload; row is the spreadsheet's own 1-based row."""

    sheet: str | None
    row: int | None
    column: str | None
    severity: str  # "error" (row left out), "warning" (value fixed or emptied), "info"
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRejected(Exception):
    """The file as a whole cannot be imported; nothing is stored."""

    def __init__(
        self,
        file: str,
        reason: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.reason, self.sheet, self.row, self.column = file, reason, sheet, row, column
        super().__init__(self.sentence())

    def sentence(self) -> str:
        """The refusal as one sentence naming file, sheet, row and column where known."""
        where = [f"文件 {self.file}"]
        if self.sheet:
            where.append(f"工作表 {self.sheet}")
        if self.row:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"列 {self.column}")
        return f"{'，'.join(where)}：{self.reason}"
