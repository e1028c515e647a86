"""A school adapts a work form: copy, edit, reorder with buttons, validation that explains,
and built-ins that stay read-only."""

import pytest
from django.urls import reverse

from samenspraak.methods import services
from samenspraak.methods.models import Method, MethodSnapshot


@pytest.fixture
def builtin(db) -> Method:
    return Method.objects.builtin().get(slug="check-in-round")


@pytest.fixture
def copy(builtin, school, facilitator) -> Method:
    return services.method_copy(method=builtin, school=school, by=facilitator)


def test_a_copy_of_a_copy_of_a_long_name_stays_within_the_column(copy, school, facilitator):
    """PostgreSQL refuses a name over 120 characters: the end of the name gives way."""
    Method.objects.filter(pk=copy.pk).update(name_nl="Lang" * 28, name_en="Lang" * 28)
    copy.refresh_from_db()
    names = []
    for _ in range(3):
        copy = services.method_copy(method=copy, school=school, by=facilitator)
        copy.refresh_from_db()
        names.append(copy.name_nl)
    assert all(len(name) <= 120 and name.endswith("… (eigen versie)") for name in names), names


def phase_post(phase, **changes) -> dict:
    data = {
        "title": phase.title,
        "kind": phase.kind,
        "minutes": phase.minutes,
        "purpose": phase.purpose,
        "guidance": phase.guidance,
        "prompts": phase.prompts,
        "speaking": phase.speaking,
        "silent": phase.silent,
        "produces": phase.produces,
    }
    for name, value in phase.settings.items():
        data[f"setting_{name}"] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_facilitator_copies_a_builtin_into_the_school(client, facilitator, school, builtin):
    client.force_login(facilitator)
    response = client.post(reverse("methods:method_copy", args=[builtin.pk]), {"school": school.pk})
    copy = Method.objects.get(school=school)
    assert response.headers["Location"] == reverse("methods:method_edit", args=[copy.pk])
    assert copy.copied_from == builtin
    assert copy.name_nl.startswith(builtin.name_nl) and "eigen versie" in copy.name_nl
    assert [p.minutes for p in copy.phases.all()] == [p.minutes for p in builtin.phases.all()]
    assert [p.kind for p in copy.phases.all()] == [p.kind for p in builtin.phases.all()]


def test_teacher_cannot_copy(client, teacher, school, builtin):
    client.force_login(teacher)
    response = client.post(reverse("methods:method_copy", args=[builtin.pk]), {"school": school.pk})
    assert response.status_code == 404
    assert not Method.objects.filter(school=school).exists()


def test_copy_for_a_school_one_does_not_adapt_in_is_refused(
    client, facilitator, other_school, builtin
):
    client.force_login(facilitator)
    client.post(reverse("methods:method_copy", args=[builtin.pk]), {"school": other_school.pk})
    assert not Method.objects.filter(school=other_school).exists()


def test_builtins_are_read_only_for_everyone(client, admin, builtin):
    client.force_login(admin)
    assert client.get(reverse("methods:method_edit", args=[builtin.pk])).status_code == 404
    phase = builtin.phases.first()
    url = reverse("methods:phase_edit", args=[builtin.pk, phase.pk])
    assert client.post(url, phase_post(phase, minutes=99)).status_code == 404
    assert (
        client.post(reverse("methods:phase_delete", args=[builtin.pk, phase.pk])).status_code == 404
    )
    phase.refresh_from_db()
    assert phase.minutes != 99


def test_another_school_never_sees_the_copy(client, outsider, copy):
    client.force_login(outsider)
    assert client.get(reverse("methods:method_detail", args=[copy.pk])).status_code == 404
    listing = client.get(reverse("methods:method_list")).content.decode()
    assert copy.name not in listing
    assert "Check-in: een rondje" in listing  # the built-in itself is there


def test_change_a_timing(client, facilitator, copy):
    client.force_login(facilitator)
    phase = copy.phases.last()
    response = client.post(
        reverse("methods:phase_edit", args=[copy.pk, phase.pk]), phase_post(phase, minutes=12)
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.minutes == 12


@pytest.mark.parametrize("minutes", [0, 241, "twaalf", ""])
def test_a_phase_needs_a_duration_between_1_and_240(client, facilitator, copy, minutes):
    client.force_login(facilitator)
    phase = copy.phases.last()
    before = phase.minutes
    response = client.post(
        reverse("methods:phase_edit", args=[copy.pk, phase.pk]), phase_post(phase, minutes=minutes)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "tussen 1 en 240 minuten" in html or "verplicht" in html
    phase.refresh_from_db()
    assert phase.minutes == before


def test_a_vote_phase_needs_at_least_one_dot(client, facilitator, copy):
    client.force_login(facilitator)
    phase = copy.phases.last()
    url = reverse("methods:phase_edit", args=[copy.pk, phase.pk])
    client.post(url, phase_post(phase, kind="dot_voting"))  # kind first: defaults apply
    phase.refresh_from_db()
    assert phase.kind == "dot_voting" and phase.settings["dots_per_person"] == 3
    response = client.post(url, phase_post(phase, setting_dots_per_person=0))
    assert response.status_code == 400
    assert "stippen" in response.content.decode()
    phase.refresh_from_db()
    assert phase.settings["dots_per_person"] == 3


def test_a_tables_phase_needs_a_size_of_at_least_two(client, facilitator, copy):
    client.force_login(facilitator)
    phase = copy.phases.last()
    url = reverse("methods:phase_edit", args=[copy.pk, phase.pk])
    client.post(url, phase_post(phase, kind="tables"))
    phase.refresh_from_db()
    response = client.post(url, phase_post(phase, setting_table_size=1))
    assert response.status_code == 400
    assert "tafel" in response.content.decode().lower()
    phase.refresh_from_db()
    assert phase.settings["table_size"] == 4


def test_nobody_speaks_and_stays_silent_at_once(client, facilitator, copy):
    client.force_login(facilitator)
    phase = copy.phases.last()
    response = client.post(
        reverse("methods:phase_edit", args=[copy.pk, phase.pk]),
        phase_post(phase, speaking=["participants"], silent=["participants"]),
    )
    assert response.status_code == 400


def test_a_role_not_in_the_method_is_refused(client, facilitator, copy):
    client.force_login(facilitator)
    phase = copy.phases.last()
    response = client.post(
        reverse("methods:phase_edit", args=[copy.pk, phase.pk]),
        phase_post(phase, silent=["case_owner"]),
    )
    assert response.status_code == 400
    phase.refresh_from_db()
    assert phase.silent == []


@pytest.mark.parametrize("after", ["²", "①", "1" * 5000])
def test_a_phase_after_something_that_is_no_id_goes_last(client, facilitator, copy, after):
    client.force_login(facilitator)
    before = copy.phases.count()
    response = client.post(reverse("methods:phase_add", args=[copy.pk]), {"after": after})
    assert response.status_code == 302
    assert copy.phases.count() == before + 1
    assert copy.phases.order_by("position").last().title_nl == "Nieuwe fase"


def test_a_work_form_takes_at_most_forty_phases(client, facilitator, copy):
    for _ in range(40 - copy.phases.count()):
        services.phase_add(method=copy, by=facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("methods:phase_add", args=[copy.pk]), follow=True)
    assert "Een werkvorm heeft hoogstens 40 fasen." in response.content.decode()
    assert copy.phases.count() == 40
    with pytest.raises(services.TooManyPhasesError):  # the service itself holds the line
        services.phase_add(method=copy, by=facilitator)
    assert copy.phases.count() == 40


def test_add_remove_and_reorder_phases_with_buttons(client, facilitator, copy):
    client.force_login(facilitator)
    first, second = list(copy.phases.all())
    client.post(reverse("methods:phase_add", args=[copy.pk]), {"after": first.pk})
    titles = [p.title_nl for p in copy.phases.all()]
    assert titles == [first.title_nl, "Nieuwe fase", second.title_nl]
    new = copy.phases.get(position=2)
    client.post(reverse("methods:phase_move", args=[copy.pk, new.pk]), {"direction": "up"})
    assert [p.title_nl for p in copy.phases.all()][0] == "Nieuwe fase"
    client.post(reverse("methods:phase_delete", args=[copy.pk, new.pk]))
    assert [p.title_nl for p in copy.phases.all()] == [first.title_nl, second.title_nl]
    assert [p.position for p in copy.phases.all()] == [1, 2]


def test_moving_the_first_phase_up_changes_nothing(client, facilitator, copy):
    client.force_login(facilitator)
    first = copy.phases.first()
    client.post(reverse("methods:phase_move", args=[copy.pk, first.pk]), {"direction": "up"})
    client.post(reverse("methods:phase_move", args=[copy.pk, first.pk]), {"direction": "sideways"})
    assert copy.phases.first() == first


def test_the_last_phase_cannot_be_removed(client, facilitator, copy):
    client.force_login(facilitator)
    first, second = list(copy.phases.all())
    client.post(reverse("methods:phase_delete", args=[copy.pk, second.pk]))
    client.post(reverse("methods:phase_delete", args=[copy.pk, first.pk]))
    assert copy.phases.count() == 1


def test_phase_of_another_method_is_a_404(client, facilitator, copy, builtin, school):
    other = services.method_copy(method=builtin, school=school, by=facilitator)
    client.force_login(facilitator)
    foreign = other.phases.first()
    assert client.get(reverse("methods:phase_edit", args=[copy.pk, foreign.pk])).status_code == 404


def test_edit_method_details_and_validation(client, facilitator, copy):
    client.force_login(facilitator)
    url = reverse("methods:method_edit", args=[copy.pk])
    good = {
        "name": "Onze check-in",
        "summary": "Zo doen wij het.",
        "purpose": "open",
        "min_people": 3,
        "max_people": 20,
        "pdca": ["do"],
        "roles": ["facilitator", "participants"],
    }
    assert client.post(url, good).status_code == 302
    copy.refresh_from_db()
    assert copy.name_nl == copy.name_en == "Onze check-in"
    bad = good | {"min_people": 30, "max_people": 4, "name": "Anders"}
    assert client.post(url, bad).status_code == 400
    copy.refresh_from_db()
    assert copy.name_nl == "Onze check-in"


def test_snapshot_survives_later_edits_and_deletion(client, facilitator, copy):
    snapshot = services.snapshot_take(method=copy)
    before = [(p["title_nl"], p["minutes"]) for p in snapshot.data["phases"]]
    phase = copy.phases.last()
    client.force_login(facilitator)
    client.post(
        reverse("methods:phase_edit", args=[copy.pk, phase.pk]), phase_post(phase, minutes=44)
    )
    client.post(reverse("methods:phase_delete", args=[copy.pk, copy.phases.first().pk]))
    client.post(reverse("methods:method_delete", args=[copy.pk]))
    snapshot = MethodSnapshot.objects.get(pk=snapshot.pk)
    assert snapshot.method is None
    assert [(p["title_nl"], p["minutes"]) for p in snapshot.data["phases"]] == before
    assert snapshot.total_minutes == sum(m for _t, m in before)


def test_method_page_shows_the_flow_and_the_card_prints(client, teacher, builtin):
    client.force_login(teacher)
    html = client.get(reverse("methods:method_detail", args=[builtin.pk])).content.decode()
    for phase in builtin.phases.all():
        assert phase.title_nl in html
    assert "Kopiëren en aanpassen" not in html  # a teacher cannot adapt
    card = client.get(reverse("methods:method_card", args=[builtin.pk])).content.decode()
    assert builtin.name_nl in card


def test_card_pdf_is_a_real_pdf(client, teacher, builtin, needs_pdf):
    client.force_login(teacher)
    response = client.get(reverse("methods:method_card_pdf", args=[builtin.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="check-in-een-rondje.pdf"' in response["Content-Disposition"]
