"""Judge an upload by its content (not its extension) and refuse dangerous or unreadable files early."""

from __future__ import annotations

import io
import zipfile

from analytics.ingest.errors import ImportRejected

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A real ledger compresses maybe 5-20x; a bomb compresses thousands of times.
MAX_INFLATED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_zip(data: bytes, file_name: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRejected("damaged_archive", file_name, params={"detail": str(exc)}) from None
    names = {info.filename for info in infos}
    inflated = sum(info.file_size for info in infos)
    # Declared sizes are checked before anything is inflated, so a bomb is refused at no cost.
    if inflated > MAX_INFLATED_BYTES or (inflated > 50 * 1024 * 1024 and inflated > MAX_RATIO * len(data)):
        raise ImportRejected(
            "zip_bomb", file_name, params={"inflated_mb": inflated / 1024 / 1024, "size_kb": len(data) / 1024}
        )
    if "word/document.xml" in names:
        raise ImportRejected("word_document", file_name)
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise ImportRejected("xlsb", file_name)
        return "xlsx"
    if "mimetype" in names and archive.read("mimetype").strip().startswith(_ODS_MIME):
        return "ods"
    raise ImportRejected("archive_not_spreadsheet", file_name)


def _sniff_cfb(data: bytes, file_name: str) -> str:
    # Directory entries of an OLE compound file store stream names in UTF-16LE.
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise ImportRejected("password_protected", file_name)
    if _utf16("WordDocument") in data:
        raise ImportRejected("word_document", file_name)
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    raise ImportRejected("unknown_office_format", file_name)


def _utf16_text(data: bytes) -> bool:
    """UTF-16 text without a byte-order mark (some exports): decodes cleanly to printable text."""
    head = data[:4096] if len(data) > 4096 else data
    head = head[: len(head) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and all(c.isprintable() or c in "\r\n\t" for c in text):
            return True
    return False


def detect_format(data: bytes, file_name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return 'xlsx', 'xls', 'ods' or 'csv' judged from the bytes; raise ImportRejected otherwise."""
    if len(data) == 0:
        raise ImportRejected("empty_file", file_name)
    if len(data) > max_bytes:
        raise ImportRejected(
            "too_large", file_name, params={"size_mb": len(data) / 1024 / 1024, "max_mb": max_bytes / 1024 / 1024}
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, file_name)
    if data.startswith(_CFB_MAGIC):
        return _sniff_cfb(data, file_name)
    if data.startswith(b"%PDF"):
        raise ImportRejected("pdf", file_name)
    if data.lstrip().startswith((b"<html", b"<!DOCTYPE", b"<?xml")):
        raise ImportRejected("html_or_xml", file_name)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not _utf16_text(data):
        raise ImportRejected("not_a_spreadsheet", file_name)
    return "csv"
