"""A leader can never read private content, an individual rating or who wrote something
anonymous. Canary strings are planted in each kind of such data; then a leader (school
leader, team leader, administrator) opens every page the URL resolver knows — so pages
added later are covered too — and the canaries must appear nowhere: not in a page or a
download, not in e-mail, not in a log line, not in the live room's state for a
non-facilitator screen. Anonymous texts themselves are group content and may be shown;
their author's name must not stand next to them.
"""

import itertools
import json
import logging
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import make_person
from samenspraak.followup import quality, services
from samenspraak.followup.models import (
    Agreement,
    Feedback,
    FeedbackGiven,
    Instrument,
    QualityAnswered,
    QualityResponse,
    Reflection,
)
from samenspraak.live.models import Contribution, Participant, Room, RoomStatus
from samenspraak.live.state import state_for
from samenspraak.planning.models import Cycle, Preparation, Session, SessionStatus
from samenspraak.schools.models import GroupMember

REFLECTION = "KANARIE-reflectie-3f9a"
PREPARATION = "KANARIE-voorbereiding-81cc"
ANON_NOTE = "KANARIE-anonieme-notitie-77b2"
ANON_REASON = "KANARIE-anoniem-bezwaar-5e10"
ANON_FEEDBACK = "KANARIE-anonieme-feedback-c4d1"
RATING = "KANARIE-beoordeling-0a6e"  # an extra key inside one quality answer
SAFETY_RATING = "KANARIE-veiligheid-9d2f"
# One person's scan: all 1 but one 3 → mean 15/13 = 1.15; never shown on its own.
LONE_SCAN = {item.key: 1 for item in quality.SCAN.items} | {"equality": 3}
LONE_MEAN = re.compile(r"(?<![\d.,])1[.,]15(?!\d)")

PRIVATE = (REFLECTION, PREPARATION, RATING, SAFETY_RATING)
ANONYMOUS = (ANON_NOTE, ANON_REASON, ANON_FEEDBACK)
AUTHOR = "Zoë Kanarieschrijfster"
STANDARD_RECORD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
NEAR = 400  # characters either side of an anonymous text that must not name its author


@pytest.fixture
def world(school, group, teacher, facilitator, ambition):
    author = make_person(school, "zoe@linde.test", AUTHOR, is_teacher=True)
    GroupMember.objects.create(group=group, user=author)
    colleagues = []
    for n in range(5):
        person = make_person(school, f"c{n}@linde.test", f"Collega {n}", is_teacher=True)
        GroupMember.objects.create(group=group, user=person)
        colleagues.append(person)
    now = timezone.now()
    cycle = Cycle.objects.create(
        school=school,
        group=group,
        title="Cyclus lezen",
        goal="Beter lezen",
        period_start=(now - timedelta(days=60)).date(),
        period_end=(now + timedelta(days=60)).date(),
        start_time=now.time(),
        every_weeks=4,
        weekday=1,
    )
    cycle.ambitions.add(ambition)
    held = Session.objects.create(
        school=school,
        cycle=cycle,
        group=group,
        title="Intervisie gehouden",
        facilitator=facilitator,
        starts_at=now - timedelta(days=3),
        status=SessionStatus.HELD,
        preparation="starrt",
    )
    lone = Session.objects.create(
        school=school,
        cycle=cycle,
        group=group,
        title="Intervisie met één antwoord",
        facilitator=facilitator,
        starts_at=now - timedelta(days=2),
        status=SessionStatus.HELD,
    )
    room = Room.objects.create(session=held, status=RoomStatus.ENDED, ended_at=now, revealed=[0])
    seat = Participant.objects.create(room=room, user=author)
    Participant.objects.create(room=room, user=teacher)
    Contribution.objects.create(room=room, phase_index=0, text=ANON_NOTE, author=None)

    # Private: a reflection and a preparation, not shared.
    Reflection.objects.create(author=author, session=held, answers={"text": REFLECTION})
    Preparation.objects.create(session=held, author=author, answers={"q_situation": PREPARATION})
    # Anonymous: a support objection (through the service: the name is dropped) and 3xW.
    agreement = services.agreement_propose(
        session=held, by=facilitator, text="We lezen elke dag tien minuten.", anonymous=True
    )
    services.support_give(
        agreement=agreement,
        voter=str(author.pk),
        name=AUTHOR,
        answer="objection",
        reason=ANON_REASON,
    )
    Feedback.objects.create(session=held, author=None, went_well=ANON_FEEDBACK)
    FeedbackGiven.objects.create(session=held, user=author)
    # Individual ratings: five scans (one with a canary key), one lone scan, one safety.
    for person in [author, *colleagues[:4]]:
        quality.answer_scan(
            user=person, session=held, data={item.key: "4" for item in quality.SCAN.items}
        )
    first = QualityResponse.objects.filter(session=held).order_by("pk").first()
    QualityResponse.objects.filter(pk=first.pk).update(answers=first.answers | {"canary": RATING})
    quality.answer_scan(user=author, session=lone, data={k: str(v) for k, v in LONE_SCAN.items()})
    quality.answer_safety(user=author, group=group, data={f"s{n}": "5" for n in range(1, 8)})
    QualityResponse.objects.filter(instrument=Instrument.SAFETY).update(
        answers={f"s{n}": 5 for n in range(1, 8)} | {"canary": SAFETY_RATING}
    )
    return {
        "author": author,
        "held": held,
        "lone": lone,
        "room": room,
        "seat": seat,
        "agreement": agreement,
        "cycle": cycle,
    }


# --- Every URL the resolver knows ---------------------------------------------------------


def patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            yield from patterns(entry, f"{namespace}:{inner}".strip(":") if inner else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, list(entry.pattern.converters)


STRINGS = {"token": "not-a-real-token", "uidb64": "MQ", "code": None}
SKIP = {"accounts:logout"}  # would end the leader's session


def candidates(kwarg: str, world) -> list:
    """Values to try for a URL argument: our planted objects first, then any object of the
    model the argument names (so a page added later for, say, reflections is tried with a
    private reflection's key)."""
    if kwarg in STRINGS:
        return [STRINGS[kwarg] or world["held"].join_code]
    name = kwarg.removesuffix("_id").replace("_", "")
    planted = {
        "session": [world["held"].pk, world["lone"].pk],
        "group": [world["held"].group_id],
        "school": [world["held"].school_id],
        "cycle": [world["cycle"].pk],
        "agreement": [world["agreement"].pk],
    }
    if name in planted:
        return planted[name]
    aliases = {"action": "actionpoint", "answer": "supportanswer", "support": "supportanswer"}
    name = aliases.get(name, name)
    for model in apps.get_models():
        if model._meta.model_name == name:
            return [str(pk) for pk in model.objects.values_list("pk", flat=True)[:3]] or ["1"]
    return ["1"]


def leader_urls(world) -> list[str]:
    urls = []
    for name, kwargs in patterns():
        if name in SKIP:
            continue
        choices = [candidates(k, world) for k in kwargs]
        for values in itertools.islice(itertools.product(*choices), 12):
            urls.append(reverse(name, kwargs=dict(zip(kwargs, values, strict=True))))
    return urls


def body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
        response.close()
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def assert_no_leak(text: str, where: str) -> None:
    for canary in PRIVATE:
        assert canary not in text, f"{canary} in {where}"
    assert not LONE_MEAN.search(text), f"one person's rating (1.15) in {where}"
    for anonymous in ANONYMOUS:
        start = text.find(anonymous)
        while start != -1:
            window = text[max(0, start - NEAR) : start + len(anonymous) + NEAR]
            assert AUTHOR not in window, f"the author next to {anonymous} in {where}"
            start = text.find(anonymous, start + 1)


@pytest.fixture
def team_leader(school):
    return make_person(school, "teamleider@linde.test", "Tessa Teamleider", is_team_leader=True)


@pytest.mark.parametrize("persona", ["leader", "admin", "team_leader"])
def test_no_page_a_leader_can_reach_leaks_private_or_anonymous_data(
    client, request, world, persona, caplog
):
    user = request.getfixturevalue(persona)
    caplog.set_level(logging.DEBUG)
    client.force_login(user)
    urls = leader_urls(world)
    assert reverse("leadership:overview", args=[world["held"].school_id]) in urls
    assert len(urls) > 50
    reached = 0
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        if response.status_code == 200:
            reached += 1
        assert_no_leak(body(response), url)
    assert reached > 15
    for message in mail.outbox:
        assert_no_leak(f"{message.subject}\n{message.body}", f"mail to {message.to}")
        for alternative, _type in getattr(message, "alternatives", []):
            assert_no_leak(str(alternative), f"mail to {message.to}")
    assert_no_leak(caplog.text, "the log")
    for record in caplog.records:  # what a handler could write: message, arguments, extras
        extras = {k: v for k, v in record.__dict__.items() if k not in STANDARD_RECORD}
        assert_no_leak(f"{record.getMessage()} {record.args} {extras}", "a log record")


def test_the_leadership_view_itself_shows_figures_but_no_private_data(client, leader, world):
    client.force_login(leader)
    page = client.get(reverse("leadership:overview", args=[world["held"].school_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Leesvaardigheid omhoog" in html
    assert_no_leak(html, "the leadership view")
    assert AUTHOR not in html  # names have no place in it at all


def test_a_leaders_live_screen_gets_no_author_of_an_anonymous_note(leader, world):
    room = Room.objects.select_related("session__school").get(pk=world["room"].pk)
    state = state_for(room, participant=None, facilitator=False, projector=False)
    notes = [n for n in state["notes"] if n["text"] == ANON_NOTE]
    assert notes and notes[0]["author"] is None
    assert_no_leak(json.dumps(state["notes"], ensure_ascii=False), "live state")
    assert PREPARATION not in json.dumps(state, ensure_ascii=False)
    assert REFLECTION not in json.dumps(state, ensure_ascii=False)


def test_anonymous_rows_carry_no_author(world):
    assert not Contribution.objects.filter(text=ANON_NOTE, author__isnull=False).exists()
    answer = world["agreement"].answers.get()
    assert answer.reason == ANON_REASON and answer.author_name == ""
    for model in (QualityResponse, Feedback, Agreement):
        for row in model.objects.all():
            if model is not Agreement:
                assert AUTHOR not in json.dumps(
                    {f.name: str(getattr(row, f.name)) for f in model._meta.fields}
                )
    assert QualityAnswered.objects.filter(user=world["author"]).count() == 3
