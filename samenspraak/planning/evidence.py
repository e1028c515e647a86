"""Evidence for a session — documents, links and data tables — and the checks that keep
what people upload safe to keep and to hand out again.

A document is recognised by its content (its first bytes, and for ZIP-based office files
the names inside), never by its name; the name's extension must then fit what was found.
It is stored under MEDIA_ROOT with a random name: the uploaded name never reaches the
disk. A data table is read into JSON and the file is not kept. Every write is one
transaction with an audit entry that names the title only.
"""

import codecs
import io
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenspraak.accounts.models import User
from samenspraak.core.audit import record
from samenspraak.lib.tabular import TableError, read_table
from samenspraak.planning import charts
from samenspraak.planning.models import Evidence, EvidenceKind, Session

MB = 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * MB
MAX_TABLE_BYTES = 5 * MB
MAX_WORKBOOK_UNPACKED_BYTES = 50 * MB  # a 5 MB workbook must not unpack into gigabytes
MAX_TABLE_ROWS = 2000
MAX_TABLE_COLUMNS = 40
MAX_URL_LENGTH = 500
MAX_TITLE_LENGTH = 200
TABLE_SUFFIXES = (".csv", ".xlsx")


class EvidenceError(ValueError):
    """Input that is refused; the message is meant for the person who gave it."""


@dataclass(frozen=True)
class DocumentType:
    name: Promise  # "a PDF document": fits in "… is %(found)s"
    content_type: str
    extensions: tuple[str, ...]  # the first is used on disk


PDF = DocumentType(gettext_lazy("a PDF document"), "application/pdf", (".pdf",))
PNG = DocumentType(gettext_lazy("a PNG image"), "image/png", (".png",))
JPEG = DocumentType(gettext_lazy("a JPEG image"), "image/jpeg", (".jpg", ".jpeg"))
GIF = DocumentType(gettext_lazy("a GIF image"), "image/gif", (".gif",))
WEBP = DocumentType(gettext_lazy("a WebP image"), "image/webp", (".webp",))
OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = DocumentType(
    gettext_lazy("a Word document"), OOXML + "wordprocessingml.document", (".docx",)
)
XLSX = DocumentType(gettext_lazy("an Excel workbook"), OOXML + "spreadsheetml.sheet", (".xlsx",))
PPTX = DocumentType(
    gettext_lazy("a PowerPoint presentation"), OOXML + "presentationml.presentation", (".pptx",)
)
ODF = "application/vnd.oasis.opendocument."
ODT = DocumentType(gettext_lazy("an OpenDocument text"), ODF + "text", (".odt",))
ODS = DocumentType(gettext_lazy("an OpenDocument spreadsheet"), ODF + "spreadsheet", (".ods",))
ODP = DocumentType(gettext_lazy("an OpenDocument presentation"), ODF + "presentation", (".odp",))
ODG = DocumentType(gettext_lazy("an OpenDocument drawing"), ODF + "graphics", (".odg",))
TEXT = DocumentType(gettext_lazy("a plain text file"), "text/plain; charset=utf-8", (".txt",))
CSV = DocumentType(gettext_lazy("a CSV file"), "text/csv; charset=utf-8", (".csv",))
DOCUMENT_TYPES = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, ODG, TEXT, CSV)
# The extensions a file picker offers; the content decides in the end.
DOCUMENT_EXTENSIONS = tuple(ext for t in DOCUMENT_TYPES for ext in t.extensions)

PROGRAM = gettext_lazy("a program")
ARCHIVE = gettext_lazy("a compressed archive")
# First bytes of kinds of file that are refused, with what to call them.
REFUSED_SIGNATURES: tuple[tuple[bytes, Promise], ...] = (
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a Linux program")),
    (b"\xfe\xed\xfa\xce", PROGRAM),
    (b"\xfe\xed\xfa\xcf", PROGRAM),
    (b"\xce\xfa\xed\xfe", PROGRAM),
    (b"\xcf\xfa\xed\xfe", PROGRAM),
    (b"\xca\xfe\xba\xbe", PROGRAM),
    (b"#!", gettext_lazy("a script")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        gettext_lazy("an old-style Office file (.doc, .xls or .ppt)"),
    ),
    (b"{\\rtf", gettext_lazy("an RTF document")),
    (b"Rar!\x1a\x07", ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", ARCHIVE),
    (b"\x1f\x8b", ARCHIVE),
    (b"BZh", ARCHIVE),
    (b"\xfd7zXZ\x00", ARCHIVE),
    (b"PK\x05\x06", gettext_lazy("a ZIP archive")),
)
MARKUP = (b"<html", b"<svg", b"<script", b"<!doctype", b"<?xml", b"<body", b"<iframe", b"<head")


class _Refused(Exception):
    def __init__(self, found: Promise):
        self.found = found


def _name(upload: UploadedFile) -> str:
    name = upload.name or ""
    return name if len(name) <= 80 else name[:79] + "…"


def _suffix(name: str) -> str:
    return PurePosixPath(name or "").suffix.lower()


def _title(title: str, fallback: str) -> str:
    title = " ".join((title or "").split()) or " ".join(fallback.split())
    return title[:MAX_TITLE_LENGTH]


# --- Documents ----------------------------------------------------------------------------


def _identify_zip(upload: UploadedFile) -> DocumentType:
    """OOXML (docx/xlsx/pptx) and ODF files are ZIP archives; tell them by what is inside.
    Only names are listed and one tiny entry read: nothing is unpacked."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = [entry.filename for entry in entries]
            if entries and names[0] == "mimetype":
                with archive.open(entries[0]) as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                if mimetype.startswith(ODF):
                    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
                        raise _Refused(gettext_lazy("an OpenDocument file with macros"))
                    for doc_type in (ODT, ODS, ODP, ODG):
                        if mimetype == doc_type.content_type:
                            return doc_type
                    raise _Refused(gettext_lazy("an OpenDocument file of another kind"))
            if "[Content_Types].xml" in names:
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise _Refused(gettext_lazy("an Office file with macros"))
                for prefix, doc_type in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
                    if any(n.startswith(prefix) for n in names):
                        return doc_type
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
    ) as exc:
        # Damaged (zlib.error: garbled inside), truncated, encrypted, or packed in a way
        # zipfile cannot unpack (NotImplementedError, a RuntimeError).
        raise _Refused(gettext_lazy("a damaged or locked ZIP archive")) from exc
    raise _Refused(gettext_lazy("a ZIP archive"))


def _is_utf8_text(upload: UploadedFile) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def identify(upload: UploadedFile) -> DocumentType:
    """What the file is, by its content. Raises _Refused naming what it is otherwise."""
    upload.seek(0)
    head = upload.read(8192)
    for signature, found in REFUSED_SIGNATURES:
        if head.startswith(signature):
            raise _Refused(found)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _identify_zip(upload)
    if len(head) > 262 and head[257:262] == b"ustar":
        raise _Refused(ARCHIVE)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"<") or any(tag in text[:1024] for tag in MARKUP):
        raise _Refused(gettext_lazy("a web page or SVG image (HTML, SVG or XML)"))
    if _is_utf8_text(upload):
        return TEXT
    raise _Refused(gettext_lazy("a file of an unknown kind"))


def check_document(upload: UploadedFile) -> DocumentType:
    """The document's type, or EvidenceError saying why it cannot be added."""
    name = _name(upload)
    if not upload.size:
        raise EvidenceError(_("“%(name)s” is empty.") % {"name": name})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise EvidenceError(
            _("“%(name)s” is %(size)s; a document may be at most %(max)d MB.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": MAX_DOCUMENT_BYTES // MB,
            }
        )
    try:
        doc_type = identify(upload)
    except _Refused as refused:
        raise EvidenceError(
            _(
                "“%(name)s” is %(found)s; that kind of file cannot be added. Add a PDF, "
                "a Word, Excel or PowerPoint file (.docx, .xlsx, .pptx), an OpenDocument "
                "file, an image (PNG, JPEG, GIF or WebP) or plain text (UTF-8)."
            )
            % {"name": name, "found": refused.found}
        ) from None
    suffix = _suffix(upload.name)
    if doc_type is TEXT and suffix == ".csv":
        doc_type = CSV
    if suffix not in doc_type.extensions:
        raise EvidenceError(
            _(
                "“%(name)s” is %(found)s, but its name does not end in %(expected)s. "
                "Rename it and try again."
            )
            % {
                "name": name,
                "found": doc_type.name,
                "expected": get_text_list(list(doc_type.extensions), _("or")),
            }
        )
    return doc_type


def describe(evidence: Evidence) -> str:
    """What a stored document is, in words ("a PDF document")."""
    for doc_type in DOCUMENT_TYPES:
        if doc_type.content_type == evidence.content_type:
            return str(doc_type.name)
    return evidence.content_type


def evidence_add_document(
    *, session: Session, by: User, upload: UploadedFile, title: str
) -> Evidence:
    doc_type = check_document(upload)
    evidence = Evidence(
        session=session,
        kind=EvidenceKind.DOCUMENT,
        title=_title(title, PurePosixPath(upload.name).stem),
        content_type=doc_type.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    upload.seek(0)
    evidence.file.save(f"{uuid.uuid4().hex}{doc_type.extensions[0]}", upload, save=False)
    try:
        with transaction.atomic():
            evidence.save()
            record(
                school=session.school, actor=by, action="evidence.document", target=evidence.title
            )
    except BaseException:
        evidence.file.delete(save=False)  # no row, no file
        raise
    return evidence


# --- Links --------------------------------------------------------------------------------


@transaction.atomic
def evidence_add_link(*, session: Session, by: User, url: str, title: str) -> Evidence:
    url = (url or "").strip()
    if len(url) > MAX_URL_LENGTH:
        raise EvidenceError(
            _("This web address is longer than %(max)d characters.") % {"max": MAX_URL_LENGTH}
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise EvidenceError(_("Add a web address that starts with https:// or http://.")) from None
    evidence = Evidence.objects.create(
        session=session, kind=EvidenceKind.LINK, title=_title(title, url), url=url, uploaded_by=by
    )
    record(school=session.school, actor=by, action="evidence.link", target=evidence.title)
    return evidence


# --- Data tables --------------------------------------------------------------------------

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")


MAX_NUMBER = 1e15  # far beyond any school's figures, far below overflowing a chart


def parse_number(text: str) -> float | None:
    """A cell as a number, written the Dutch way (7,5 · 1.234,5) or the English way
    (7.5 · 1,234.5), with an optional % sign; None when it is not a number or is beyond
    ±10^15."""
    value = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    if not NUMBER.fullmatch(value):
        return None
    number = float(value)
    # A chart spans its numbers: 400 nines are infinity, and ±9e307 span it too.
    return number if abs(number) <= MAX_NUMBER else None


def _check_workbook(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise EvidenceError(
            _("“%(name)s” cannot be opened; is it really an Excel file (.xlsx)?") % {"name": name}
        ) from None
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise EvidenceError(
            _("“%(name)s” unpacks to more than %(max)d MB; save a smaller table.")
            % {"name": name, "max": MAX_WORKBOOK_UNPACKED_BYTES // MB}
        )


def read_data_table(upload: UploadedFile) -> dict:
    """{"columns": [...], "rows": [[...]], "numeric": [...]} or EvidenceError."""
    name = _name(upload)
    suffix = _suffix(upload.name)
    if suffix not in TABLE_SUFFIXES:
        raise EvidenceError(
            _(
                "“%(name)s” is not a CSV or XLSX file. Save the table as CSV or as an Excel "
                "workbook (.xlsx) and try again."
            )
            % {"name": name}
        )
    if upload.size > MAX_TABLE_BYTES:
        raise EvidenceError(
            _("“%(name)s” is %(size)s; a data table may be at most %(max)d MB.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": MAX_TABLE_BYTES // MB,
            }
        )
    upload.seek(0)
    data = upload.read()
    if suffix == ".xlsx" or data[:2] == b"PK":
        _check_workbook(name, data)
    elif b"\x00" in data:
        raise EvidenceError(_("This file is not a text (CSV) file."))
    try:
        rows = read_table(upload.name, data)
    except TableError as error:
        raise EvidenceError(str(error)) from None
    except Exception:  # openpyxl raises many kinds of error on a damaged workbook
        raise EvidenceError(_("“%(name)s” cannot be read as a table.") % {"name": name}) from None
    return _shape(rows)


def _shape(rows: list[list[str]]) -> dict:
    header = list(rows[0])
    while header and not header[-1]:
        header.pop()  # trailing empty cells name no column
    body = rows[1:]
    if not header:
        raise EvidenceError(_("The first row must name the columns."))
    if len(header) > MAX_TABLE_COLUMNS:
        raise EvidenceError(
            _("This table has %(count)d columns; at most %(max)d fit.")
            % {"count": len(header), "max": MAX_TABLE_COLUMNS}
        )
    seen: set[str] = set()
    for number, column in enumerate(header, start=1):
        if not column:
            raise EvidenceError(
                _("Column %(number)d has no name in the first row. Give every column a name.")
                % {"number": number}
            )
        if column.casefold() in seen:
            raise EvidenceError(
                _("Two columns are called “%(name)s”. Give every column its own name.")
                % {"name": column}
            )
        seen.add(column.casefold())
    if all(parse_number(column) is not None for column in header):
        raise EvidenceError(
            _(
                "The first row must name the columns, but it holds only numbers. "
                "Add a row with column names at the top."
            )
        )
    if not body:
        raise EvidenceError(_("This file has a header row but no data rows."))
    if len(body) > MAX_TABLE_ROWS:
        raise EvidenceError(
            _("This table has %(count)d data rows; at most %(max)d fit.")
            % {"count": len(body), "max": MAX_TABLE_ROWS}
        )
    width = len(header)
    table_rows = []
    for number, row in enumerate(body, start=2):
        if any(row[width:]):
            raise EvidenceError(
                _(
                    "Row %(number)d has a value in a column without a name. Name that "
                    "column in the first row, or remove the value."
                )
                % {"number": number}
            )
        table_rows.append((row + [""] * width)[:width])  # a short row is padded
    # A workbook's shared strings can repeat one long text thousands of times: bound what
    # is stored, not just the file.
    if sum(len(cell) for row in table_rows for cell in row) > MAX_TABLE_BYTES:
        raise EvidenceError(
            _("This table holds more than %(max)d MB of text; save a smaller table.")
            % {"max": MAX_TABLE_BYTES // MB}
        )
    numeric = []
    for index in range(width):
        cells = [row[index] for row in table_rows if row[index]]
        numeric.append(bool(cells) and all(parse_number(c) is not None for c in cells))
    return {"columns": header, "rows": table_rows, "numeric": numeric}


@transaction.atomic
def evidence_add_table(*, session: Session, by: User, upload: UploadedFile, title: str) -> Evidence:
    table = read_data_table(upload)
    evidence = Evidence.objects.create(
        session=session,
        kind=EvidenceKind.TABLE,
        title=_title(title, PurePosixPath(upload.name).stem),
        table=table,
        uploaded_by=by,
    )
    record(school=session.school, actor=by, action="evidence.table", target=evidence.title)
    return evidence


@transaction.atomic
def evidence_set_chart(
    *, evidence: Evidence, by: User, label_column: str, value_columns: list[str]
) -> None:
    """Draw the table as bars: one column names the bars, 1–4 numeric columns give them."""
    columns = evidence.table.get("columns", []) if evidence.kind == EvidenceKind.TABLE else []
    if not columns:
        raise EvidenceError(_("Only a data table can be drawn as a chart."))
    numeric = evidence.table["numeric"]
    if label_column not in columns:
        raise EvidenceError(_("Choose the column whose values name the bars."))
    value_columns = list(dict.fromkeys(value_columns))
    if not 1 <= len(value_columns) <= charts.MAX_SERIES:
        raise EvidenceError(
            _("Choose one to %(max)d columns with numbers for the bars.")
            % {"max": charts.MAX_SERIES}
        )
    for column in value_columns:
        if column not in columns or not numeric[columns.index(column)]:
            raise EvidenceError(
                _("“%(column)s” does not hold only numbers, so it cannot be drawn as bars.")
                % {"column": column}
            )
        if column == label_column:
            raise EvidenceError(
                _("“%(column)s” names the bars; it cannot also give their length.")
                % {"column": column}
            )
    count = len(evidence.table["rows"])
    if count > charts.MAX_CATEGORIES:
        raise EvidenceError(
            _(
                "A chart shows at most %(max)d rows; this table has %(count)d. "
                "Upload a smaller table for the chart."
            )
            % {"max": charts.MAX_CATEGORIES, "count": count}
        )
    evidence.chart_columns = [label_column, *value_columns]
    evidence.save(update_fields=["chart_columns"])
    record(school=evidence.session.school, actor=by, action="evidence.chart", target=evidence.title)


def chart_data(evidence: Evidence) -> tuple[str, list[str], list[tuple]] | None:
    """(label column, labels, [(column, values)]) for the chosen chart, or None."""
    columns = evidence.table.get("columns", [])
    chosen = evidence.chart_columns
    if len(chosen) < 2 or any(column not in columns for column in chosen):
        return None
    label, *values = chosen
    rows = evidence.table["rows"]
    at = columns.index
    labels = [row[at(label)] for row in rows]
    series = [(name, [parse_number(row[at(name)]) for row in rows]) for name in values]
    return label, labels, series


# --- Removing -----------------------------------------------------------------------------


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    record(
        school=evidence.session.school, actor=by, action="evidence.delete", target=evidence.title
    )
    evidence.delete()  # its file goes after commit (planning.signals)
