"""A file's type from its first bytes, never from what the sender claims.

Accepted: PDF, PNG, JPEG, and the office formats docx, xlsx, odt and ods (ZIP
containers, told apart by the members every such file has). The filename's extension
must name the same type, so a file is never stored under a misleading name.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from pathways.errors import InvalidData, UnsupportedMediaType


@dataclass(frozen=True)
class FileType:
    media_type: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", ("pdf",))
PNG = FileType("image/png", ("png",))
JPEG = FileType("image/jpeg", ("jpg", "jpeg"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
ODT = FileType("application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS)

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP = b"PK\x03\x04"
_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
_MAX_CONTENT_TYPES = 64 * 1024
_ODF = {t.media_type.encode(): t for t in (ODT, ODS)}


def sniff(content: bytes) -> FileType:
    """The accepted type these bytes are, or `UnsupportedMediaType`."""
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return kind
    if content.startswith(_ZIP):
        found = _office_type(content)
        if found is not None:
            return found
    raise UnsupportedMediaType(
        "the file is none of PDF, PNG, JPEG, docx, xlsx, odt or ods (judged by its content)"
    )


def _office_type(content: bytes) -> FileType | None:
    """Reads only the ZIP's directory and the tiny `mimetype` member, never whole parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return _ooxml_type(archive, names)
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            if info is None or info.file_size > 100:
                return None
            return _ODF.get(archive.read(info).strip())
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError):
        return None


class MisleadingName(InvalidData):
    """The filename's extension names another type than the file's bytes are."""


def _ooxml_type(archive: zipfile.ZipFile, names: set[str]) -> FileType | None:
    """docx or xlsx, but not their macro-enabled kin (docm, xlsm) under a plain name."""
    declared = archive.getinfo("[Content_Types].xml")
    if declared.file_size > _MAX_CONTENT_TYPES or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if b"macroenabled" in archive.read(declared).lower():
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in names), None)


def check_name(filename: str, kind: FileType) -> None:
    """The extension must name the type the bytes are (a renamed file is refused)."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in kind.extensions:
        raise MisleadingName(
            f"the file's name does not end in .{kind.extensions[0]}, the type of its content"
        )
