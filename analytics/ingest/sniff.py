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
        raise ImportRejected(file_name, f"文件已损坏或不完整，无法作为表格读取（{exc}）") from None
    names = {info.filename for info in infos}
    inflated = sum(info.file_size for info in infos)
    # Declared sizes are checked before anything is inflated, so a bomb is refused at no cost.
    if inflated > MAX_INFLATED_BYTES or (inflated > 50 * 1024 * 1024 and inflated > MAX_RATIO * len(data)):
        raise ImportRejected(
            file_name,
            f"压缩内容解压后约 {inflated / 1024 / 1024:.0f} MB（文件本身 {len(data) / 1024:.0f} KB），"
            "疑似压缩炸弹，已拒绝",
        )
    if "word/document.xml" in names:
        raise ImportRejected(file_name, "这是 Word 文档而不是表格，请上传 Excel（.xlsx/.xls）、.ods 或 .csv 文件")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise ImportRejected(file_name, "暂不支持二进制工作簿（.xlsb），请另存为 .xlsx 后上传")
        return "xlsx"
    if "mimetype" in names and archive.read("mimetype").strip().startswith(_ODS_MIME):
        return "ods"
    raise ImportRejected(file_name, "压缩包内不是 Excel 或 ODS 表格")


def _sniff_cfb(data: bytes, file_name: str) -> str:
    # Directory entries of an OLE compound file store stream names in UTF-16LE.
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise ImportRejected(file_name, "工作簿设有打开密码，请在 Excel 中取消密码后重新上传")
    if _utf16("WordDocument") in data:
        raise ImportRejected(file_name, "这是 Word 文档而不是表格，请上传 Excel（.xlsx/.xls）、.ods 或 .csv 文件")
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    raise ImportRejected(file_name, "无法识别的 Office 文件格式")


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
        raise ImportRejected(file_name, "文件为空（0 字节）")
    if len(data) > max_bytes:
        raise ImportRejected(
            file_name,
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB 超过上限 {max_bytes / 1024 / 1024:.0f} MB",
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, file_name)
    if data.startswith(_CFB_MAGIC):
        return _sniff_cfb(data, file_name)
    if data.startswith(b"%PDF"):
        raise ImportRejected(file_name, "这是 PDF 文件，请上传 Excel（.xlsx/.xls）、.ods 或 .csv 文件")
    if data.lstrip().startswith((b"<html", b"<!DOCTYPE", b"<?xml")):
        raise ImportRejected(file_name, "这是网页或 XML 文件，不是表格导出文件")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not _utf16_text(data):
        raise ImportRejected(file_name, "文件内容不是文本表格，也不是可识别的 Excel/ODS 文件")
    return "csv"
