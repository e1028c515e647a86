import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from conftest import run_queued_tasks
from samenspraak.accounts.models import User
from samenspraak.lib.tests.test_tabular import damaged_workbooks
from samenspraak.schools.models import Membership, Role

CLEAN_CSV = (
    "naam;e-mail;rollen;groepen\n"
    "Lotte Jansen;lotte.jansen@linde.test;docent;Sectie Nederlands\n"
    "Mehmet Yilmaz;mehmet.yilmaz@linde.test;docent, gespreksleider;\n"
    "Priya Ramdin;priya.ramdin@linde.test;medewerker;\n"
)


def upload(client, school, name, content: bytes):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("schools:member_import", args=[school.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )


def test_clean_csv_imports_everyone_with_roles_and_groups(client, admin, school, group):
    from django.core import mail

    client.force_login(admin)
    response = upload(client, school, "personeel.csv", CLEAN_CSV.encode())
    assert response.status_code == 302
    assert Membership.objects.get(user__email="mehmet.yilmaz@linde.test").roles == {
        Role.TEACHER,
        Role.FACILITATOR,
    }
    assert group.members.filter(email="lotte.jansen@linde.test").exists()
    assert mail.outbox == []  # the invitations go out from the task queue
    assert run_queued_tasks("send_invitation") == [True, True, True]
    assert len(mail.outbox) == 3


def test_one_bad_row_imports_nothing_and_names_the_row(client, admin, school, group):
    client.force_login(admin)
    bad = CLEAN_CSV + "Kees Fout;geen-adres;docent;\n"
    before = User.objects.count()
    response = upload(client, school, "personeel.csv", bad.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Regel 5" in html or "Line 5" in html
    assert "geen-adres" in html
    assert User.objects.count() == before


def test_every_bad_row_is_reported(client, admin, school, group):
    client.force_login(admin)
    content = (
        "name,email,roles,groups\n"
        ",leeg@linde.test,teacher,\n"
        "A,a@linde.test,tovenaar,\n"
        "B,b@linde.test,teacher,Bestaat Niet\n"
        "C,a@linde.test,teacher,\n"
    )
    response = upload(client, school, "staff.csv", content.encode())
    html = response.content.decode()
    for line in (2, 3, 4, 5):
        assert f"{line}:" in html
    assert "tovenaar" in html and "Bestaat Niet" in html
    assert not Membership.objects.filter(user__email="leeg@linde.test").exists()


def test_xlsx_staff_list_imports(client, admin, school):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Naam", "E-mail", "Rollen"])
    sheet.append(["Ilse de Boer", "ilse.deboer@linde.test", "teamleider; docent"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(admin)
    response = upload(client, school, "personeel.xlsx", buffer.getvalue())
    assert response.status_code == 302
    assert Membership.objects.get(user__email="ilse.deboer@linde.test").roles == {
        Role.TEAM_LEADER,
        Role.TEACHER,
    }


def test_existing_member_is_updated_not_duplicated(client, admin, school, teacher):
    client.force_login(admin)
    content = f"naam;e-mail;rollen\nDaan de Vries;{teacher.email.upper()};gespreksleider\n"
    response = upload(client, school, "p.csv", content.encode())
    assert response.status_code == 302
    assert Membership.objects.get(user=teacher).roles == {Role.TEACHER, Role.FACILITATOR}
    assert User.objects.filter(email=teacher.email).count() == 1


def test_cp1252_csv_from_old_excel_is_read(client, admin, school):
    content = "naam;e-mail;rollen\nRenée Bériot;renee@linde.test;docent\n".encode("cp1252")
    client.force_login(admin)
    assert upload(client, school, "p.csv", content).status_code == 302
    assert User.objects.get(email="renee@linde.test").name == "Renée Bériot"


def test_binary_file_posing_as_csv_is_refused(client, admin, school):
    client.force_login(admin)
    response = upload(client, school, "p.csv", b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    assert response.status_code == 400
    assert Membership.objects.count() == 1  # only the admin


def test_corrupt_xlsx_is_refused(client, admin, school):
    client.force_login(admin)
    response = upload(client, school, "p.xlsx", b"PK\x03\x04 not really a zip")
    assert response.status_code == 400


def test_a_workbook_damaged_inside_is_refused_and_imports_nobody(client, admin, school):
    client.force_login(admin)
    for damage, content in damaged_workbooks().items():
        response = upload(client, school, "personeel.xlsx", content)
        assert response.status_code == 400, damage
        assert "Excel-bestand" in response.content.decode(), damage
    assert Membership.objects.count() == 1  # only the admin


def test_an_address_longer_than_the_column_is_refused(client, admin, school):
    client.force_login(admin)
    address = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".nl"  # valid, 307 characters
    response = upload(
        client, school, "p.csv", f"naam;e-mail;rollen\nLang;{address};docent\n".encode()
    )
    assert response.status_code == 400
    assert "langer dan 254 tekens" in response.content.decode()
    assert Membership.objects.count() == 1


def test_a_nul_character_late_in_the_file_is_refused(client, admin, school):
    client.force_login(admin)
    rows = "".join(f"Persoon {n};p{n}@linde.test;docent\n" for n in range(200))  # > 4 KB
    content = f"naam;e-mail;rollen\n{rows}N\x00ul;nul@linde.test;docent\n".encode()
    assert upload(client, school, "p.csv", content).status_code == 400
    assert Membership.objects.count() == 1


def test_file_without_header_columns_is_refused(client, admin, school):
    client.force_login(admin)
    response = upload(client, school, "p.csv", b"a;b;c\n1;2;3\n")
    assert response.status_code == 400


def test_oversized_file_is_refused(client, admin, school):
    client.force_login(admin)
    big = b"naam;e-mail;rollen\n" + b"x" * (2 * 1024 * 1024 + 1)
    response = upload(client, school, "p.csv", big)
    assert response.status_code == 400
    assert Membership.objects.count() == 1


def test_wrong_extension_is_refused(client, admin, school):
    client.force_login(admin)
    response = upload(client, school, "p.pdf", b"%PDF-1.7")
    assert response.status_code == 400


def test_empty_file_is_refused(client, admin, school):
    client.force_login(admin)
    assert upload(client, school, "p.csv", b"").status_code == 400


def test_a_huge_staff_file_is_refused_with_a_clear_message(client, admin, school, settings):
    settings.SAMENSPRAAK_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(admin)
    response = upload(client, school, "p.csv", b"naam;e-mail;rollen\n" + b"x" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert "groter dan 1 MB" in response.content.decode()
    assert Membership.objects.count() == 1
