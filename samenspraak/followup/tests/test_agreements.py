"""Agreements of a session with their support (consent) check, as the facilitator, the
participants and everyone else meet them; plus the persona table for every follow-up URL
helper that the other test files here use."""

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from samenspraak.followup import services
from samenspraak.followup.models import (
    Agreement,
    AgreementStatus,
    ObjectionState,
    SupportAnswer,
    SupportGiven,
)
from samenspraak.planning.models import Session

PERSONAS = [
    "admin",
    "leader",
    "facilitator",
    "teacher",
    "support",
    "outsider",
    "deactivated",
    "anonymous",
]
LOGIN = "login"


def statuses(allowed: int, *who: str, others: int = 404) -> dict[str, int | str]:
    """Expected outcome per persona: `allowed` for those named, `others` for the rest of
    the signed-in personas, the sign-in page for the signed out."""
    table: dict[str, int | str] = {p: (allowed if p in who else others) for p in PERSONAS}
    table["anonymous"] = table["deactivated"] = LOGIN
    return table


def check_access(client, personas, persona: str, method: str, url: str, expected) -> None:
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    if expected == LOGIN:
        assert response.status_code == 302, (url, persona, response.status_code)
        assert response["Location"].startswith(reverse("accounts:login")), (url, persona)
    else:
        assert response.status_code == expected, (url, persona, response.status_code)


def make_session(group, facilitator, **fields) -> Session:
    values = {
        "school": group.school,
        "group": group,
        "facilitator": facilitator,
        "title": "Dialoog over toetsen",
        "starts_at": timezone.now() - timedelta(hours=2),
    }
    values.update(fields)
    return Session.objects.create(**values)


def support(agreement: Agreement, user, answer: str, reason: str = "") -> SupportAnswer:
    return services.support_give(
        agreement=agreement,
        voter=services.voter_key(user),
        name=user.name,
        answer=answer,
        reason=reason,
    )


@pytest.fixture
def session(group, facilitator) -> Session:
    return make_session(group, facilitator)


@pytest.fixture
def agreement(session, facilitator) -> Agreement:
    return services.agreement_propose(
        session=session, by=facilitator, text="We lezen elke les tien minuten.", anonymous=True
    )


# --- Who may open what ----------------------------------------------------------------------

MANAGERS = ("admin", "leader", "facilitator")
VIEWERS = ("admin", "leader", "facilitator", "teacher")
PARTICIPANTS = ("facilitator", "teacher")

URL_ROWS = {
    # name: (method, url kwargs key, expected per persona). An empty POST is bad input:
    # those allowed get 400 (nothing changed), or 302 where every field may be empty.
    "followup:agreements": [
        ("get", "session", statuses(200, *VIEWERS)),
        ("post", "session", statuses(400, *MANAGERS)),
    ],
    "followup:agreement_support": [("post", "agreement", statuses(400, *PARTICIPANTS))],
    "followup:agreement_outcome": [("post", "agreement", statuses(302, *MANAGERS))],
    "followup:agreement_close": [("post", "agreement", statuses(302, *MANAGERS))],
    "followup:agreement_withdraw": [("post", "agreement", statuses(302, *MANAGERS))],
    "followup:objection_settle": [("post", "agreement", statuses(400, *MANAGERS))],
}


def _url(name: str, kind: str, objects: dict) -> str:
    keyword = {"session": "session_id", "agreement": "agreement_id"}[kind]
    return reverse(name, kwargs={keyword: objects[kind].pk})


CASES = [
    (name, index, persona)
    for name, rows in URL_ROWS.items()
    for index in range(len(rows))
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_agreement_urls_per_persona(client, personas, session, agreement, name, index, persona):
    method, kind, expected = URL_ROWS[name][index]
    url = _url(name, kind, {"session": session, "agreement": agreement})
    check_access(client, personas, persona, method, url, expected[persona])


def test_get_on_a_post_only_address_changes_nothing(client, facilitator, agreement):
    client.force_login(facilitator)
    assert client.get(reverse("followup:agreement_close", args=[agreement.pk])).status_code == 405
    agreement.refresh_from_db()
    assert agreement.check_open


def test_every_followup_url_has_persona_rows():
    """Each follow-up URL is decided on purpose: here, in the other test files of this
    folder, or in tests/test_url_permissions.py."""
    from samenspraak.followup.tests import test_actions, test_feedback, test_reflection
    from tests.test_url_permissions import TABLE

    covered = set(TABLE) | set(URL_ROWS)
    for module in (test_actions, test_feedback, test_reflection):
        covered |= set(module.URL_ROWS)
    resolver = get_resolver()
    followup = {
        f"followup:{name}"
        for name in resolver.namespace_dict["followup"][1].reverse_dict
        if isinstance(name, str)
    }
    assert followup, "the followup URLs are not included"
    assert not sorted(followup - covered)


# --- The support check ----------------------------------------------------------------------


def test_facilitator_adds_an_agreement_with_an_anonymous_check(client, facilitator, session):
    client.force_login(facilitator)
    response = client.post(
        reverse("followup:agreements", args=[session.pk]),
        {"text": "Elke les begint met tien minuten lezen.", "support_check": "anonymous"},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.anonymous and agreement.check_open
    assert agreement.status == AgreementStatus.PROPOSED


def test_without_a_check_it_is_recorded_as_adopted(client, facilitator, session):
    client.force_login(facilitator)
    client.post(
        reverse("followup:agreements", args=[session.pk]),
        {"text": "Volgende keer in de mediatheek.", "support_check": "none"},
    )
    agreement = Agreement.objects.get()
    assert agreement.status == AgreementStatus.ADOPTED and not agreement.check_open


def test_participants_answer_once_and_counts_show(client, teacher, facilitator, agreement):
    client.force_login(teacher)
    url = reverse("followup:agreement_support", args=[agreement.pk])
    prefix = f"s{agreement.pk}"
    response = client.post(url, {f"{prefix}-answer": "concern", f"{prefix}-reason": "Tijd?"})
    assert response.status_code == 302
    again = client.post(url, {f"{prefix}-answer": "agree"})
    assert again.status_code == 400
    assert 'class="messages"' in again.content.decode()  # a message says why
    assert SupportAnswer.objects.count() == 1
    client.force_login(facilitator)
    client.post(url, {f"{prefix}-answer": "agree"})
    page = client.get(reverse("followup:agreements", args=[agreement.session_id])).content.decode()
    assert "Tijd?" in page
    assert f"({teacher.name})" not in page  # an anonymous check


def test_an_anonymous_answer_has_no_author_and_no_time(agreement, teacher):
    answer = support(agreement, teacher, "objection", "Geheim bezwaar")
    row = SupportAnswer.objects.get(pk=answer.pk)
    assert row.author_name == ""
    field_names = {f.name for f in SupportAnswer._meta.get_fields()}
    assert not field_names & {"author", "user", "created_at", "voter"}
    # The register knows who answered, not what.
    given = SupportGiven.objects.get()
    assert not {f.name for f in SupportGiven._meta.get_fields()} & {"answer", "reason"}
    assert given.voter == services.voter_key(teacher)


def test_a_named_check_shows_names_with_reasons(client, session, facilitator, teacher):
    agreement = services.agreement_propose(
        session=session, by=facilitator, text="Met namen", anonymous=False
    )
    support(agreement, teacher, "concern", "Wat met de brugklas?")
    client.force_login(facilitator)
    page = client.get(reverse("followup:agreements", args=[session.pk])).content.decode()
    assert f"({teacher.name}):" in page


def test_an_anonymous_check_shows_no_names(client, agreement, facilitator, teacher):
    support(agreement, teacher, "concern", "Wat met de brugklas?")
    client.force_login(facilitator)
    page = client.get(reverse("followup:agreements", args=[agreement.session_id])).content.decode()
    assert "Wat met de brugklas?" in page
    assert f"({teacher.name})" not in page


def test_an_open_objection_is_never_shown_as_adopted(client, facilitator, teacher, agreement):
    support(agreement, teacher, "objection", "Dit kost te veel lestijd.")
    client.force_login(facilitator)
    client.post(reverse("followup:agreement_close", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert not agreement.check_open and agreement.status == AgreementStatus.PROPOSED
    page = client.get(reverse("followup:agreements", args=[agreement.session_id])).content.decode()
    assert 'data-status="proposed"' in page and 'data-status="adopted"' not in page
    # Even a stored "adopted" with an objection still open shows as proposed.
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ADOPTED)
    agreement.refresh_from_db()
    summary = services.support_summary(agreement)
    assert services.agreement_shown_status(agreement, summary) == AgreementStatus.PROPOSED


def test_overruling_an_objection_with_a_reason_adopts(client, facilitator, teacher, agreement):
    objection = support(agreement, teacher, "objection", "Te veel lestijd.")
    services.agreement_close_check(agreement=agreement, by=facilitator)
    client.force_login(facilitator)
    prefix = f"x{agreement.pk}"
    url = reverse("followup:objection_settle", args=[agreement.pk])
    no_reason = client.post(
        url, {f"{prefix}-objection": objection.pk, f"{prefix}-state": "overruled"}
    )
    assert no_reason.status_code == 400
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN
    response = client.post(
        url,
        {
            f"{prefix}-objection": objection.pk,
            f"{prefix}-state": "overruled",
            f"{prefix}-text": "De sectie besloot het een periode te proberen.",
        },
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    agreement.refresh_from_db()
    assert objection.state == ObjectionState.OVERRULED
    assert agreement.status == AgreementStatus.ADOPTED
    page = client.get(reverse("followup:agreements", args=[agreement.session_id])).content.decode()
    assert "De sectie besloot het een periode te proberen." in page


def test_outcome_and_review_date_are_saved(client, facilitator, agreement):
    client.force_login(facilitator)
    prefix = f"o{agreement.pk}"
    response = client.post(
        reverse("followup:agreement_outcome", args=[agreement.pk]),
        {f"{prefix}-outcome": "Iedereen doet mee.", f"{prefix}-review_date": "2027-03-01"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.outcome == "Iedereen doet mee."
    assert agreement.review_date.isoformat() == "2027-03-01"


def test_withdrawn_agreement_closes_its_check(client, facilitator, agreement):
    client.force_login(facilitator)
    client.post(reverse("followup:agreement_withdraw", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.WITHDRAWN and not agreement.check_open


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "support_check": "anonymous"},
        {"text": "x" * 5000, "support_check": "anonymous"},
        {"text": "Goed", "support_check": "maybe"},
        {"text": ["a", "b"], "support_check": 7},
    ],
)
def test_bad_agreement_input_is_refused_and_changes_nothing(client, facilitator, session, data):
    client.force_login(facilitator)
    response = client.post(reverse("followup:agreements", args=[session.pk]), data)
    assert response.status_code == 400
    assert 'class="field-errors"' in response.content.decode()
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "yes"},
        {"answer": "objection", "reason": ""},
        {"answer": "concern", "reason": "x" * 5000},
        {},
    ],
)
def test_bad_support_answers_are_refused(client, teacher, agreement, data):
    client.force_login(teacher)
    prefix = f"s{agreement.pk}"
    response = client.post(
        reverse("followup:agreement_support", args=[agreement.pk]),
        {f"{prefix}-{key}": value for key, value in data.items()},
    )
    assert response.status_code == 400
    assert not SupportAnswer.objects.exists() and not SupportGiven.objects.exists()


def test_answering_a_closed_check_is_refused(client, teacher, facilitator, agreement):
    services.agreement_close_check(agreement=agreement, by=facilitator)
    client.force_login(teacher)
    prefix = f"s{agreement.pk}"
    response = client.post(
        reverse("followup:agreement_support", args=[agreement.pk]), {f"{prefix}-answer": "agree"}
    )
    assert response.status_code == 400
    assert not SupportAnswer.objects.exists()


def test_bad_review_date_is_refused(client, facilitator, agreement):
    client.force_login(facilitator)
    prefix = f"o{agreement.pk}"
    response = client.post(
        reverse("followup:agreement_outcome", args=[agreement.pk]),
        {f"{prefix}-outcome": "x", f"{prefix}-review_date": "31-31-2027"},
    )
    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.outcome == "" and agreement.review_date is None


def test_a_forged_objection_id_is_refused(client, facilitator, teacher, agreement, session):
    other = services.agreement_propose(
        session=session, by=facilitator, text="Ander", anonymous=True
    )
    foreign = support(other, teacher, "objection", "Elders")
    concern = support(agreement, teacher, "concern", "Zorg")
    client.force_login(facilitator)
    prefix = f"x{agreement.pk}"
    url = reverse("followup:objection_settle", args=[agreement.pk])
    for forged in (foreign.pk, concern.pk, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = client.post(
            url,
            {f"{prefix}-objection": forged, f"{prefix}-state": "resolved", f"{prefix}-text": "x"},
        )
        assert response.status_code == 400, forged
    foreign.refresh_from_db()
    assert foreign.state == ObjectionState.OPEN


def test_another_schools_agreement_is_hidden(client, outsider, other_group, agreement):
    client.force_login(outsider)
    assert (
        client.get(reverse("followup:agreements", args=[agreement.session_id])).status_code == 404
    )
    prefix = f"s{agreement.pk}"
    response = client.post(
        reverse("followup:agreement_support", args=[agreement.pk]), {f"{prefix}-answer": "agree"}
    )
    assert response.status_code == 404
    assert client.get("/sessions/99999999999999999999/agreements/").status_code == 404
    assert not SupportAnswer.objects.exists()
