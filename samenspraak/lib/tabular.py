"""Read a small uploaded table (CSV or XLSX) into rows of strings.

Pure helpers: no Django models. Errors are raised as TableError with a message meant
for the person who uploaded the file.
"""

import csv
import io
from collections.abc import Callable

from django.utils.translation import gettext as _

MAX_ROWS = 5000
MAX_CELL = 1000


class TableError(ValueError):
    pass


def _decode(data: bytes) -> str:
    if b"\x00" in data:  # anywhere: PostgreSQL cannot store it
        raise TableError(_("This file is not a text (CSV) file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The characters in this file cannot be read; save it as UTF-8 CSV."))


def read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise TableError(_("This CSV file is damaged: %(error)s") % {"error": exc}) from exc
    return rows


def read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    # A damaged workbook makes openpyxl, zipfile, zlib or an XML parser raise almost any
    # kind of error, on opening or (read-only, so lazily) on reading the rows.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise TableError(
            _("This Excel file cannot be opened; is it really an .xlsx file?")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if cell is None else str(cell).strip() for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except Exception as exc:
        raise TableError(_("This Excel file is damaged; save it again and retry.")) from exc
    finally:
        workbook.close()


READERS: dict[str, Callable[[bytes], list[list[str]]]] = {".csv": read_csv, ".xlsx": read_xlsx}


def read_table(name: str, data: bytes) -> list[list[str]]:
    """Rows of the first sheet, empty rows dropped; the first row is the header."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == ".xlsx" or data[:2] == b"PK":
        rows = read_xlsx(data)
    elif suffix in (".csv", ".txt", ""):
        rows = read_csv(data)
    else:
        raise TableError(_("Upload a CSV or XLSX file."))
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise TableError(_("This file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise TableError(_("This file has more than %(max)d rows.") % {"max": MAX_ROWS})
    for row in rows:
        if any(len(cell) > MAX_CELL for cell in row):
            raise TableError(
                _("A cell in this file is longer than %(max)d characters.") % {"max": MAX_CELL}
            )
    return rows
