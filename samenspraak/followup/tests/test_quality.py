"""The dialogue-quality check and the psychological-safety scale: scoring, answering
once, bad input, who may see what, and the suppression of small or derivable figures."""

import itertools
import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from samenspraak.core.models import AuditEntry
from samenspraak.followup import quality
from samenspraak.followup.models import QualityAnswered, QualityResponse
from samenspraak.planning.models import Session, SessionStatus
from samenspraak.schools.models import GroupMember

ALL_FOUR = {item.key: "4" for item in quality.SCAN.items}


@pytest.fixture
def colleagues(school, group):
    people = []
    for number in range(6):
        person = make_person(
            school, f"collega{number}@linde.test", f"Collega {number}", is_teacher=True
        )
        GroupMember.objects.create(group=group, user=person)
        people.append(person)
    return people


def make_session(group, facilitator, days_ago=1, **extra):
    return Session.objects.create(
        school=group.school,
        group=group,
        title=extra.pop("title", "Intervisie"),
        facilitator=facilitator,
        starts_at=timezone.now() - timedelta(days=days_ago),
        **extra,
    )


@pytest.fixture
def session(group, facilitator):
    return make_session(group, facilitator)


def answer(client, user, session, data=ALL_FOUR):
    client.force_login(user)
    response = client.post(reverse("quality:scan", args=[session.pk]), data)
    client.logout()
    return response


# --- Scoring and periods ------------------------------------------------------------------


def test_the_instruments_have_the_guidances_items_and_edmondsons_full_scale():
    assert len([i for i in quality.SCAN.items if i.part == "characteristics"]) == 8
    assert len([i for i in quality.SCAN.items if i.part == "contrasts"]) == 5
    assert all(i.bipolar for i in quality.SCAN.items if i.part == "contrasts")
    assert len(quality.SAFETY.items) == 7
    assert [i.key for i in quality.SAFETY.items if i.reverse] == ["s1", "s3", "s5"]
    assert quality.SAFETY.scale == (1, 7)


def test_reverse_items_are_turned_round():
    answers = {f"s{n}": 7 for n in range(1, 8)}
    scores = quality.scored(quality.SAFETY, answers)
    assert scores["s1"] == scores["s3"] == scores["s5"] == 1
    assert scores["s2"] == 7
    assert quality.overall(quality.SAFETY, answers) == pytest.approx((4 * 7 + 3 * 1) / 7)
    assert quality.overall(quality.SAFETY, {"s1": 7}) is None  # incomplete: no score


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 8, 1), "2026-2027/1"),
        (date(2027, 1, 31), "2026-2027/1"),
        (date(2027, 2, 1), "2026-2027/2"),
        (date(2027, 7, 31), "2026-2027/2"),
    ],
)
def test_periods_are_school_half_years(day, period):
    assert quality.period_of(day) == period


# --- Suppression --------------------------------------------------------------------------


def tree(parent_count, child_counts):
    parent = quality.Aggregate("p", "p", count=parent_count)
    parent.children = [quality.Aggregate(f"c{i}", "c", count=n) for i, n in enumerate(child_counts)]
    quality.suppress(parent)
    return parent


def derivable_counts(parent):
    """Every count a reader can work out: each shown figure, and the parent minus any
    selection of its shown children."""
    shown = [c for c in parent.children if c.shown]
    counts = [c.count for c in shown]
    if parent.shown:
        counts.append(parent.count)
        for size in range(1, len(shown) + 1):
            for chosen in itertools.combinations(shown, size):
                counts.append(parent.count - sum(c.count for c in chosen))
    return counts


def test_fewer_than_five_is_hidden_five_is_shown():
    assert not tree(4, [4]).shown
    parent = tree(5, [5])
    assert parent.shown and parent.children[0].shown


def test_a_shown_total_and_a_shown_session_never_leave_a_small_remainder():
    parent = tree(12, [8, 4])  # 12 − 8 would reveal the 4 answers of the second session
    assert parent.shown
    assert not parent.children[0].shown and not parent.children[1].shown
    parent = tree(13, [5, 5, 3])  # remainder 3: one shown session joins it
    assert parent.shown
    assert sorted(c.shown for c in parent.children) == [False, False, True]
    assert all(n == 0 or n >= 5 for n in derivable_counts(parent))


def test_a_hidden_total_hides_its_sessions():
    parent = tree(4, [4])
    assert not parent.shown and not parent.children[0].shown


def test_the_rule_holds_for_many_random_trees():
    rng = random.Random(20261129)
    for _ in range(2000):
        children = [rng.randint(0, 9) for _ in range(rng.randint(0, 5))]
        parent = tree(sum(children) + rng.choice([0, 0, 1, 2, 3, 6]), children)
        assert all(n == 0 or n >= quality.MIN_ANSWERS for n in derivable_counts(parent)), (
            parent.count,
            children,
        )


def test_hidden_figures_have_no_mean():
    parent = tree(4, [])
    parent.total, parent.sums = 12.0, {"equality": 12.0}
    assert parent.mean is None and parent.item_mean("equality") is None


# --- Answering the scan -------------------------------------------------------------------


def test_a_participant_answers_once_anonymously(client, teacher, session):
    response = answer(client, teacher, session)
    assert response.status_code == 302
    response_row = QualityResponse.objects.get()
    assert response_row.answers == {key: 4 for key in ALL_FOUR} | {"_batch": 0}
    assert response_row.session == session and response_row.group == session.group
    assert not any(f.name in {"author", "user", "created_at"} for f in QualityResponse._meta.fields)
    assert QualityAnswered.objects.filter(user=teacher, session=session).count() == 1
    assert not AuditEntry.objects.filter(actor=teacher).exists()

    again = answer(client, teacher, session)
    assert again.status_code == 400
    assert QualityResponse.objects.count() == 1
    client.force_login(teacher)
    page = client.get(reverse("quality:scan", args=[session.pk])).content.decode()
    assert 'type="radio"' not in page  # no form any more


@pytest.mark.parametrize(
    "change",
    [
        {"equality": "6"},
        {"equality": "0"},
        {"equality": "-1"},
        {"equality": "3.5"},
        {"equality": "drie"},
        {"equality": "9" * 400},
        {"equality": ""},
        {"listening": None},
    ],
)
def test_bad_answers_get_a_message_and_store_nothing(client, teacher, session, change):
    data = {**ALL_FOUR, **change}
    data = {k: v for k, v in data.items() if v is not None}
    response = answer(client, teacher, session, data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not QualityResponse.objects.exists()
    assert not QualityAnswered.objects.exists()


def test_a_forged_repeated_field_is_refused(client, teacher, session):
    client.force_login(teacher)
    body = "&".join(f"{k}={v}" for k, v in ALL_FOUR.items()) + "&equality=1"
    response = client.post(
        reverse("quality:scan", args=[session.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    # Django's QueryDict.get takes the last value; either way one value per item is stored
    assert response.status_code in (302, 400)
    assert QualityResponse.objects.count() <= 1


def test_a_digit_that_is_no_number_is_refused(client, teacher, session):
    """A superscript two is a digit to Python's isdigit, but no int."""
    response = answer(client, teacher, session, {key: "²" for key in ALL_FOUR})
    assert response.status_code == 400
    assert not QualityResponse.objects.exists()


def test_extra_fields_are_ignored(client, teacher, session):
    forged = {"user": "1", "period": "1999-2000/1", "_batch": "99"}
    answer(client, teacher, session, {**ALL_FOUR, **forged})
    row = QualityResponse.objects.get()
    assert set(row.answers) == set(ALL_FOUR) | {"_batch"} and row.answers["_batch"] == 0
    assert row.period == quality.period_of(timezone.localtime(session.starts_at).date())


def test_the_check_opens_when_the_session_begins(client, teacher, group, facilitator):
    later = make_session(group, facilitator, days_ago=-2)
    response = answer(client, teacher, later)
    assert response.status_code == 400
    assert not QualityResponse.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "admin", "support", "outsider", "deactivated"])
def test_only_participants_may_answer(client, personas, session, persona):
    client.force_login(personas[persona])
    refused = {302, 404} if persona == "deactivated" else {404}  # cannot sign in at all
    assert client.get(reverse("quality:scan", args=[session.pk])).status_code in refused
    assert client.post(reverse("quality:scan", args=[session.pk]), ALL_FOUR).status_code in refused
    assert not QualityResponse.objects.exists()


def test_no_answer_for_another_groups_or_a_cancelled_session(
    client, teacher, other_group, outsider, group, facilitator
):
    elsewhere = Session.objects.create(
        school=other_group.school,
        group=other_group,
        title="Elders",
        starts_at=timezone.now() - timedelta(days=1),
    )
    cancelled = make_session(group, facilitator, status=SessionStatus.CANCELLED)
    for target in (elsewhere, cancelled):
        assert answer(client, teacher, target).status_code == 404
    assert answer(client, teacher, type("S", (), {"pk": 999999})()).status_code == 404
    assert not QualityResponse.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, session):
    response = client.get(reverse("quality:scan", args=[session.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- The safety scale ---------------------------------------------------------------------

ALL_SEVEN = {f"s{n}": "7" for n in range(1, 8)}


def test_safety_once_per_half_year_for_members_only(client, teacher, leader, group):
    url = reverse("quality:safety", args=[group.pk])
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert "Edmondson" in page and page.count('type="radio"') == 49
    assert client.post(url, ALL_SEVEN).status_code == 302
    assert client.post(url, ALL_SEVEN).status_code == 400
    assert QualityResponse.objects.filter(instrument="safety").count() == 1
    row = QualityResponse.objects.get()
    assert row.session is None and row.period == quality.current_period()
    client.force_login(leader)
    assert client.get(url).status_code == 404
    assert client.post(url, ALL_SEVEN).status_code == 404
    assert QualityResponse.objects.count() == 1


@pytest.mark.parametrize("change", [{"s1": "8"}, {"s4": "0"}, {"s7": ""}, {"s2": "x"}])
def test_bad_safety_answers_store_nothing(client, teacher, group, change):
    client.force_login(teacher)
    response = client.post(reverse("quality:safety", args=[group.pk]), {**ALL_SEVEN, **change})
    assert response.status_code == 400
    assert not QualityResponse.objects.exists() and not QualityAnswered.objects.exists()


def test_safety_for_another_group_is_404(client, teacher, other_group):
    client.force_login(teacher)
    url = reverse("quality:safety", args=[other_group.pk])
    assert client.post(url, ALL_SEVEN).status_code == 404
    assert not QualityResponse.objects.exists()


# --- Results ------------------------------------------------------------------------------


@pytest.mark.usefixtures("english_pages")
def test_four_answers_show_nothing_five_show_the_trend(
    client, session, colleagues, teacher, leader
):
    url = reverse("quality:results", args=[session.group_id])
    for person in colleagues[:4]:
        answer(client, person, session, {**ALL_FOUR, "equality": "2"})
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert 'class="chart"' not in page and "Hidden" in page
    answer(client, colleagues[4], session, {**ALL_FOUR, "equality": "2"})
    client.force_login(leader)
    page = client.get(url).content.decode()
    assert 'class="chart"' in page and "Hidden" not in page
    assert "3,85" in page or "3.85" in page  # (12 × 4 + 2) / 13 per person


def test_a_figure_changes_only_per_five_new_answers(client, group, facilitator, school, teacher):
    """Comparing the page before and after one colleague answered must tell nothing: the
    sixth to ninth answers wait until the tenth releases them together."""
    session = make_session(group, facilitator)
    people = []
    for n in range(10):
        person = make_person(school, f"p{n}@linde.test", f"Persoon {n}", is_teacher=True)
        GroupMember.objects.create(group=group, user=person)
        people.append(person)
    for person in people[:5]:
        answer(client, person, session)  # all 4
    first = quality.group_results(group).scan_periods[0]
    assert first.shown and first.count == 5 and first.mean == pytest.approx(4)
    answer(client, people[5], session, {key: "1" for key in ALL_FOUR})
    after_one = quality.group_results(group).scan_periods[0]
    assert after_one.count == 5 and after_one.mean == pytest.approx(4)
    assert after_one.children[0].mean == pytest.approx(4)
    for person in people[6:10]:
        answer(client, person, session)
    after_five = quality.group_results(group).scan_periods[0]
    assert after_five.count == 10 and after_five.mean == pytest.approx((9 * 4 + 1) / 10)
    batches = sorted(r.answers["_batch"] for r in QualityResponse.objects.all())
    assert batches == [0] * 5 + [1] * 5


def test_stored_batches_of_fewer_than_five_stay_hidden_and_deleted_sessions_count_nowhere():
    full = {item.key: 3 for item in quality.SCAN.items}
    rows = [(1, "scan", "2026-2027/1", full | {"_batch": 0})] * 5
    rows += [(1, "scan", "2026-2027/1", full | {"_batch": 1})] * 4
    rows += [(None, "scan", "2026-2027/1", full)] * 3  # a deleted session's answers
    rows += [(2, "scan", "2026-2027/1", full)] * 6  # stored before batches: one batch
    results = quality.results_from_rows(rows, {})
    (period,) = results.scan_periods
    assert period.count == 11 and period.shown
    assert [(c.count, c.pending, c.shown) for c in period.children] == [(5, 4, True), (6, 0, True)]


def test_results_are_for_members_and_planners(client, personas, session, group):
    url = reverse("quality:results", args=[group.pk])
    for persona, status in [
        ("teacher", 200),
        ("facilitator", 200),
        ("leader", 200),
        ("admin", 200),
        ("support", 404),
        ("outsider", 404),
        ("deactivated", 302),  # cannot sign in at all
    ]:
        client.force_login(personas[persona])
        assert client.get(url).status_code == status, persona


def test_the_session_and_group_pages_link_to_the_check(client, teacher, leader, session, group):
    scan = reverse("quality:scan", args=[session.pk])
    results = reverse("quality:results", args=[group.pk])
    client.force_login(teacher)
    assert (
        scan in client.get(reverse("planning:session_detail", args=[session.pk])).content.decode()
    )
    assert results in client.get(reverse("schools:group_detail", args=[group.pk])).content.decode()
    client.force_login(leader)  # a planner, not a participant: no form to fill in
    assert (
        scan
        not in client.get(reverse("planning:session_detail", args=[session.pk])).content.decode()
    )
    assert results in client.get(reverse("schools:group_detail", args=[group.pk])).content.decode()
