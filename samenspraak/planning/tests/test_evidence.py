"""Evidence: documents judged by their content, links, data tables and their charts; who
sees, downloads, adds and removes; refused input stores nothing and says why."""

import io
import re
import zipfile
from datetime import timedelta
from itertools import chain

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from conftest import make_person
from samenspraak.core.models import AuditEntry
from samenspraak.lib.tests.test_tabular import xlsx
from samenspraak.lib.uploads import LimitedUploadHandler
from samenspraak.planning import charts
from samenspraak.planning.evidence import EvidenceError, check_document, parse_number
from samenspraak.planning.models import Evidence, EvidenceKind, Session

CANARY = "CANARY-rekenresultaten-7f3a"
MB = 1024 * 1024
PDF = b"%PDF-1.4\n%" + CANARY.encode() + b"\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RESULTS = b"Klas;Lezen;Rekenen\n3A;7,2;6,8\n3B;6,9;7,4\n3C;7,8;\n"


def docx(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    # Stored, not deflated: the canary stays readable in the raw bytes.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f"<w:document>{CANARY}</w:document>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def zipfile_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def odt_with_a_broken_mimetype() -> bytes:
    """An OpenDocument text whose first member, `mimetype`, is deflated and then
    garbled, so unpacking it fails inside zlib."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" * 5)
        archive.writestr("content.xml", "<office:document-content/>")
    data = bytearray(buffer.getvalue())
    start = 30 + int.from_bytes(data[26:28], "little") + int.from_bytes(data[28:30], "little")
    data[start : start + 6] = bytes(b ^ 0xFF for b in data[start : start + 6])
    return bytes(data)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    return tmp_path


@pytest.fixture
def session(school, group, facilitator, media) -> Session:
    return Session.objects.create(
        school=school,
        group=group,
        title="Leesresultaten bespreken",
        starts_at=timezone.now() + timedelta(days=7),
        facilitator=facilitator,
    )


def sign_in(client, user) -> None:
    """Signed in with English as their language, so the messages read as written here."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def add(client, session, kind: str, **fields):
    data = {"kind": kind} | {f"{kind}-{name}": value for name, value in fields.items()}
    return client.post(reverse("planning:evidence_add", args=[session.pk]), data)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add_document(client, session, name: str, content: bytes, title: str = ""):
    return add(client, session, "document", title=title, file=upload(name, content))


def add_table(client, session, name: str, content: bytes, title: str = "Toetsresultaten"):
    return add(client, session, "table", title=title, file=upload(name, content))


def page_text(response) -> str:
    return response.content.decode()


# --- Documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("verslag.pdf", PDF, "application/pdf"),
        (
            "analyse.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_facilitator_adds_a_document_that_participants_download(
    client, session, facilitator, teacher, leader, media, name, content, content_type
):
    sign_in(client, facilitator)
    response = add_document(client, session, name, content, title="Analyse lezen")
    assert response.status_code == 302
    evidence = Evidence.objects.get(session=session)
    assert evidence.kind == EvidenceKind.DOCUMENT
    assert evidence.title == "Analyse lezen"
    assert evidence.content_type == content_type
    # Stored under a random name: the uploaded name never reaches the disk.
    [path] = stored_files(media)
    assert path.is_relative_to(media / "media")
    assert name.rsplit(".", 1)[0] not in str(path)
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|docx)", path.name)
    # The audit entry names the title, nothing of the content.
    entry = AuditEntry.objects.get(action="evidence.document")
    assert entry.target == "Analyse lezen" and CANARY not in str(entry.detail)

    for person in (teacher, leader, facilitator):
        sign_in(client, person)
        download = client.get(reverse("planning:evidence_download", args=[evidence.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
        assert download["Content-Type"] == content_type
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
        detail = client.get(reverse("planning:evidence_detail", args=[evidence.pk]))
        assert detail.status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "support", "other_teacher"])
def test_people_outside_the_session_get_404_and_never_the_content(
    client, session, facilitator, personas, school, persona
):
    sign_in(client, facilitator)
    add_document(client, session, "verslag.pdf", PDF)
    add_document(client, session, "analyse.docx", docx())
    if persona == "other_teacher":
        person = make_person(school, "ander@linde.test", "Ander Team", is_teacher=True)
    else:
        person = personas[persona]
    sign_in(client, person)
    for evidence in Evidence.objects.all():
        for name in ("planning:evidence_detail", "planning:evidence_download"):
            response = client.get(reverse(name, args=[evidence.pk]))
            assert response.status_code == 404
            assert CANARY.encode() not in response.content
        assert client.get(reverse("planning:evidence_add", args=[session.pk])).status_code == 404


def test_a_renamed_program_posing_as_a_pdf_is_refused(client, session, facilitator, media):
    sign_in(client, facilitator)
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
    response = add_document(client, session, "rapport.pdf", program)
    assert response.status_code == 400
    assert "rapport.pdf” is a Windows program" in page_text(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pagina.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("notities.txt", b"  <html><body onload='alert(1)'>hoi</body></html>"),
        ("grafiek.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("plaatje.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
    ],
)
def test_web_pages_and_svg_images_are_refused(client, session, facilitator, media, name, content):
    sign_in(client, facilitator)
    response = add_document(client, session, name, content)
    assert response.status_code == 400
    assert "a web page or SVG image" in page_text(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("archief.zip", b"PK\x03\x04" + b"\x00" * 100, "a damaged or locked ZIP archive"),
        ("script.txt", b"#!/bin/sh\nrm -rf /\n", "a script"),
        ("oud.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old-style Office"),
        ("data.bin", bytes(range(256)) * 4, "a file of an unknown kind"),
        ("plan.docx", docx(macros=True), "an Office file with macros"),
        ("map.zip", zipfile_of({"a.txt": "hoi"}), "a ZIP archive"),
        ("verslag.odt", odt_with_a_broken_mimetype(), "a damaged or locked ZIP archive"),
    ],
)
def test_other_kinds_of_file_are_refused_by_name(
    client, session, facilitator, media, name, content, found
):
    sign_in(client, facilitator)
    response = add_document(client, session, name, content)
    assert response.status_code == 400
    assert found in page_text(response)
    assert not Evidence.objects.exists()


def test_the_name_must_fit_the_content(client, session, facilitator, media):
    sign_in(client, facilitator)
    response = add_document(client, session, "verslag.docx", PDF)
    assert response.status_code == 400
    assert "is a PDF document, but its name does not end in .pdf" in page_text(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_plain_text_and_csv_documents_are_accepted(client, session, facilitator):
    sign_in(client, facilitator)
    assert add_document(client, session, "notities.txt", b"Wat viel op?").status_code == 302
    assert add_document(client, session, "lijst.csv", b"a;b\n1;2\n").status_code == 302
    types = set(Evidence.objects.values_list("content_type", flat=True))
    assert types == {"text/plain; charset=utf-8", "text/csv; charset=utf-8"}


def test_a_document_over_20_mb_is_refused():
    with translation.override("en"), pytest.raises(EvidenceError, match="at most 20 MB"):
        check_document(upload("groot.pdf", b"%PDF-1.4\n" + b"\x00" * (21 * MB)))


class GeneratedBody:
    """A request body made on the fly, so a 200 MB upload needs no 200 MB in memory."""

    def __init__(self, parts):
        self._parts = iter(parts)
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            part = next(self._parts, None)
            if part is None:
                break
            self._buffer += part
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def readline(self, size: int = -1) -> bytes:  # WSGI asks for it; multipart never calls it
        raise NotImplementedError


def test_a_200_mb_upload_is_refused_early_and_leaves_nothing(
    client, session, facilitator, media, monkeypatch
):
    written = []
    original = TemporaryFileUploadHandler.new_file

    def new_file(self, *args, **kwargs):
        written.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", new_file)
    boundary = "samenspraak-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ndocument\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="document-title"\r\n\r\n'
        "Heel groot\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="document-file"; '
        'filename="groot.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = 200 * MB
    body = GeneratedBody(chain([head], (b"\x00" * MB for _ in range(200)), [tail]))
    sign_in(client, facilitator)
    response = client.generic(
        "POST",
        reverse("planning:evidence_add", args=[session.pk]),
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(len(head) + size + len(tail)),
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 400
    assert "The file is larger than 25 MB and has not been saved." in page_text(response)
    assert 'value="Heel groot"' in page_text(response)  # what was typed survives
    assert written == []  # no temporary file was ever started
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_the_upload_handler_also_counts_what_streams_in(settings):
    settings.SAMENSPRAAK_MAX_UPLOAD_BYTES = 1000
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(None, {}, 0, b"x")  # size unknown up front
    handler.new_file("file", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 600, 600)
    assert request.upload_too_large is True


# --- Links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "ftp://x.nl"]
)
def test_a_link_that_is_not_a_web_address_is_refused(client, session, facilitator, url):
    sign_in(client, facilitator)
    response = add(client, session, "link", url=url, title="Kijk hier")
    assert response.status_code == 400
    assert "starts with https:// or http://" in page_text(response)
    assert not Evidence.objects.exists()


def test_a_web_address_is_added_as_a_link(client, session, facilitator, teacher):
    sign_in(client, facilitator)
    url = "https://www.onderwijsinspectie.nl/onderwerpen/lezen"
    assert add(client, session, "link", url=url, title="").status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.url, evidence.title) == (EvidenceKind.LINK, url, url)
    sign_in(client, teacher)
    detail = client.get(reverse("planning:evidence_detail", args=[evidence.pk]))
    assert f'href="{url}" rel="noopener noreferrer"' in page_text(detail)
    download = client.get(reverse("planning:evidence_download", args=[evidence.pk]))
    assert download.status_code == 404


# --- Data tables and charts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("resultaten.csv", bytes(range(256)) * 8, "not a text (CSV) file"),
        ("resultaten.csv", b"Klas;Lezen;Rekenen\n", "a header row but no data rows"),
        ("resultaten.csv", b"Klas;Lezen;lezen\n3A;7;8\n", "Two columns are called"),
        ("resultaten.csv", b"1;2;3\n4;5;6\n", "holds only numbers"),
        ("resultaten.csv", b"Klas;;Rekenen\n3A;7;8\n", "Column 2 has no name"),
        ("resultaten.csv", b"Klas;Lezen\n3A;7;8\n", "a value in a column without a name"),
        ("resultaten.xlsx", b"PK\x03\x04 not really a workbook", "cannot be opened"),
        ("resultaten.pdf", PDF, "is not a CSV or XLSX file"),
    ],
)
def test_a_malformed_table_is_refused_with_a_clear_message(
    client, session, facilitator, name, content, message
):
    sign_in(client, facilitator)
    response = add_table(client, session, name, content)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Evidence.objects.exists()


def test_an_excel_workbook_is_read_into_a_table(client, session, facilitator):
    sign_in(client, facilitator)
    content = xlsx(
        [["Vraag", "Score 2024", "Score 2025"], ["Veiligheid", 7.5, 8], ["Werkdruk", 5, 5.5]]
    )
    assert add_table(client, session, "tevredenheid.xlsx", content).status_code == 302
    table = Evidence.objects.get().table
    assert table["columns"] == ["Vraag", "Score 2024", "Score 2025"]
    assert table["rows"][0] == ["Veiligheid", "7.5", "8"]
    assert table["numeric"] == [False, True, True]


def test_a_workbook_that_unpacks_into_too_much_is_refused(client, session, facilitator):
    sign_in(client, facilitator)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "a" * (60 * MB))
    response = add_table(client, session, "bom.xlsx", buffer.getvalue())
    assert response.status_code == 400
    assert "unpacks to more than 50 MB" in page_text(response)
    assert not Evidence.objects.exists()


def test_a_ragged_table_is_padded(client, session, facilitator):
    sign_in(client, facilitator)
    response = add_table(client, session, "r.csv", b"Klas;Lezen;Rekenen\n3A;7\n3B;6;5\n")
    assert response.status_code == 302
    table = Evidence.objects.get().table
    assert table["rows"] == [["3A", "7", ""], ["3B", "6", "5"]]
    assert table["numeric"] == [False, True, True]


def test_test_results_per_class_show_as_a_table_and_a_chart(client, session, facilitator, teacher):
    sign_in(client, facilitator)
    response = add_table(client, session, "toetsresultaten.csv", RESULTS)
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:evidence_detail", args=[evidence.pk])
    assert evidence.table["columns"] == ["Klas", "Lezen", "Rekenen"]
    assert evidence.table["numeric"] == [False, True, True]
    assert not evidence.file

    url = reverse("planning:evidence_detail", args=[evidence.pk])
    page = page_text(client.get(url))
    assert '<th scope="col">Lezen</th>' in page and "<td>3B</td>" in page
    assert "<svg" not in page

    response = client.post(url, {"label_column": "Klas", "value_columns": ["Lezen", "Rekenen"]})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.chart_columns == ["Klas", "Lezen", "Rekenen"]

    sign_in(client, teacher)  # a participant sees the chart the facilitator chose
    page = page_text(client.get(url))
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    assert '<title id="chart-title">Toetsresultaten</title>' in svg
    assert re.search(
        r'<desc id="chart-desc">Bar chart of Lezen and Rekenen per Klas[^<]+\.</desc>', svg
    )
    assert "style=" not in svg
    assert svg.count("<rect") == 2 + 5  # two legend swatches, five bars (one value missing)
    assert '<th scope="row">3C</th>' in page  # the chart's numbers as a real table
    assert "Draw the chart" not in page  # only managers choose the columns


def test_chart_columns_that_are_not_numbers_are_refused(client, session, facilitator, teacher):
    sign_in(client, facilitator)
    add_table(client, session, "toetsresultaten.csv", RESULTS)
    evidence = Evidence.objects.get()
    url = reverse("planning:evidence_detail", args=[evidence.pk])
    response = client.post(url, {"label_column": "Lezen", "value_columns": ["Klas"]})
    assert response.status_code == 400
    assert "“Klas” is not a column with numbers only." in page_text(response)
    response = client.post(url, {"label_column": "Klas", "value_columns": []})
    assert response.status_code == 400
    evidence.refresh_from_db()
    assert evidence.chart_columns == []
    sign_in(client, teacher)
    response = client.post(url, {"label_column": "Klas", "value_columns": ["Lezen"]})
    assert response.status_code == 404


# --- Who adds and removes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("leader", 200),
        ("facilitator", 200),
        ("teacher", 404),
        ("support", 404),
        ("outsider", 404),
    ],
)
def test_only_managers_open_the_add_page(client, session, personas, persona, status):
    sign_in(client, personas[persona])
    response = client.get(reverse("planning:evidence_add", args=[session.pk]))
    assert response.status_code == status
    if status == 200:
        assert page_text(response).count('name="kind"') == 3


def test_a_participant_cannot_add(client, session, teacher):
    sign_in(client, teacher)
    assert add_document(client, session, "verslag.pdf", PDF).status_code == 404
    assert not Evidence.objects.exists()


def test_an_unknown_kind_is_refused(client, session, facilitator):
    sign_in(client, facilitator)
    response = client.post(reverse("planning:evidence_add", args=[session.pk]), {"kind": "x"})
    assert response.status_code == 400
    assert "Choose what to add" in page_text(response)


def test_only_managers_remove_evidence(
    client, session, facilitator, teacher, media, django_capture_on_commit_callbacks
):
    sign_in(client, facilitator)
    add_document(client, session, "verslag.pdf", PDF, title="Verslag")
    evidence = Evidence.objects.get()
    url = reverse("planning:evidence_delete", args=[evidence.pk])

    sign_in(client, teacher)
    assert client.post(url).status_code == 404
    assert Evidence.objects.exists() and len(stored_files(media)) == 1

    sign_in(client, facilitator)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:session_detail", args=[session.pk])
    assert not Evidence.objects.exists()
    assert stored_files(media) == []
    assert AuditEntry.objects.filter(action="evidence.delete", target="Verslag").exists()


def test_the_list_on_the_session_page(rf, session, facilitator, teacher):
    from django.template.loader import render_to_string

    item = Evidence.objects.create(session=session, kind=EvidenceKind.LINK, title="<b>Bron</b>")
    request = rf.get("/")
    for user, manages in ((facilitator, True), (teacher, False)):
        request.user = user
        html = render_to_string(
            "planning/_evidence_list.html",
            {"session": session, "evidence": [item], "can_manage_evidence": manages},
            request=request,
        )
        assert reverse("planning:evidence_detail", args=[item.pk]) in html
        assert "&lt;b&gt;Bron&lt;/b&gt;" in html
        assert (reverse("planning:evidence_delete", args=[item.pk]) in html) is manages
        assert (reverse("planning:evidence_add", args=[session.pk]) in html) is manages


# --- The chart and the numbers ------------------------------------------------------------


def test_the_chart_escapes_what_users_wrote():
    svg = charts.bar_chart(
        title="</title><script>alert(1)</script>",
        label_name="Klas",
        labels=['3A"><script>', "3B"],
        series=[("<img src=x>", [1.5, None])],
    )
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "style=" not in svg


def test_chart_colours_stand_out_against_white():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert len(set(charts.COLOURS)) == charts.MAX_SERIES
    for colour in charts.COLOURS:
        assert 1.05 / (luminance(colour) + 0.05) >= 3


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 7.8, [0, 2, 4, 6, 8]),
        (3, 97, [0, 20, 40, 60, 80, 100]),
        (-4, 6, [-4, -2, 0, 2, 4, 6]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
    ],
)
def test_axis_ticks_are_round(low, high, ticks):
    assert charts.nice_ticks(low, high) == ticks


@pytest.mark.parametrize(
    ("text", "number"),
    [("7,5", 7.5), ("7.5", 7.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("85%", 85.0)],
)
def test_numbers_are_read_the_dutch_and_the_english_way(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text", ["", "3A", "nan", "inf", "1,2,3", "7-8", "9" * 400, "-" + "9" * 16]
)
def test_text_is_not_a_number(text):
    assert parse_number(text) is None


def test_files_go_with_their_school(
    client, school, session, facilitator, media, django_capture_on_commit_callbacks
):
    sign_in(client, facilitator)
    add_document(client, session, "verslag.pdf", PDF, title="Verslag")
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        school.delete()  # cascades to sessions and evidence without a service
    assert not Evidence.objects.exists()
    assert stored_files(media) == []
