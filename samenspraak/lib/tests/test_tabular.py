"""Reading an uploaded table: a damaged workbook is refused with a message, whatever
part of it is broken and whenever openpyxl notices (it reads the rows lazily)."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from samenspraak.lib.tabular import TableError, read_table


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def repacked(data: bytes, name: str, change) -> bytes:
    """The workbook with the member `name` changed by `change` (bytes → bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member.filename)
            target.writestr(member, change(content) if member.filename == name else content)
    return out.getvalue()


def unknown_compression(data: bytes) -> bytes:
    """Every member claims compression method 99 (AES), which zipfile cannot unpack."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset : at + offset + 2] = (99).to_bytes(2, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


ROWS = [["naam", "e-mail", "rollen"], ["Ilse de Boer", "ilse@linde.test", "docent"]]
SHEET = "xl/worksheets/sheet1.xml"


def damaged_workbooks() -> dict[str, bytes]:
    good = xlsx(ROWS)
    return {
        "no XML where the content types go": repacked(
            good, "[Content_Types].xml", lambda _: b"<<<geen xml"
        ),
        "a sheet cut in half": repacked(good, SHEET, lambda sheet: sheet[: len(sheet) // 2]),
        "a sheet with a broken tag": repacked(
            good, SHEET, lambda sheet: sheet.replace(b"<row", b"<row <<", 1)
        ),
        "members packed in an unknown way": unknown_compression(good),
    }


def test_an_intact_workbook_is_read():
    assert read_table("personeel.xlsx", xlsx(ROWS)) == ROWS


@pytest.mark.parametrize("damage", list(damaged_workbooks()))
def test_a_damaged_workbook_is_refused_in_dutch(damage):
    with translation.override("nl"), pytest.raises(TableError) as refused:
        read_table("personeel.xlsx", damaged_workbooks()[damage])
    assert "Excel-bestand" in str(refused.value)
