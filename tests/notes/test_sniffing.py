"""A file's type comes from its bytes, and its name is made safe to store and send."""

from __future__ import annotations

import io
import zipfile

import pytest

from pathways.errors import UnsupportedMediaType
from pathways.notes import sniffing
from pathways.notes.service import safe_filename
from tests.notes import files


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (files.PDF, sniffing.PDF),
        (files.PNG, sniffing.PNG),
        (files.JPEG, sniffing.JPEG),
        (files.DOCX, sniffing.DOCX),
        (files.XLSX, sniffing.XLSX),
        (files.ODT, sniffing.ODT),
        (files.ODS, sniffing.ODS),
    ],
)
def test_each_accepted_type_is_told_by_its_bytes(content, kind):
    assert sniffing.sniff(content) is kind


def _zip_with_large_mimetype() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 10**6)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        files.HTML,
        files.PLAIN_ZIP,
        files.DOCM,
        b"PK\x03\x04 not really a zip",
        _zip_with_large_mimetype(),  # never inflated: a member that large is no ODF marker
        b"GIF89a",
        b"",
    ],
)
def test_anything_else_is_unsupported(content):
    with pytest.raises(UnsupportedMediaType):
        sniffing.sniff(content)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\anna\\scan 1.png", "scan 1.png"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('a"b;c%20.pdf', "a_b_c_20.pdf"),
        ("Lausunto äidinkieli.pdf", "Lausunto äidinkieli.pdf"),
        ("evil\u202efdp.exe.pdf", "evil_fdp.exe.pdf"),
        ("...", "attachment"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),  # 120 characters in all
    ],
)
def test_a_filename_keeps_only_its_last_part_and_safe_characters(sent, kept):
    assert safe_filename(sent) == kept


def test_a_name_must_name_the_type_of_the_bytes():
    sniffing.check_name("photo.JPEG", sniffing.JPEG)
    with pytest.raises(sniffing.MisleadingName):
        sniffing.check_name("photo.png", sniffing.JPEG)
