"""A school year in bulk, for query-count tests and bench/dashboard.py: staff, groups,
ambitions, one cycle per group, sessions spread over the school year (the past ones held
in the live room, some cancelled), seats taken, action points and quality answers.

Bulk inserts only, so 2,000 sessions take seconds. Not used by the app itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from samenspraak.accounts.models import User
from samenspraak.followup.models import (
    ActionPoint,
    ActionStatus,
    Instrument,
    QualityResponse,
)
from samenspraak.followup.quality import BATCH, BATCH_KEY, SAFETY, SCAN, period_of
from samenspraak.live.models import Participant, Room, RoomStatus
from samenspraak.planning.models import Cycle, Session, SessionStatus
from samenspraak.schools.models import Ambition, Group, GroupMember, Membership, School


@dataclass
class Seeded:
    school: School
    leader: User
    groups: list[Group]
    sessions: int


def _answers(rng: random.Random, questionnaire) -> dict[str, int]:
    low, high = questionnaire.scale
    return {item.key: rng.randint(low, high) for item in questionnaire.items}


@transaction.atomic
def seed_school(
    *,
    name: str = "Seeded school",
    staff: int = 300,
    groups: int = 40,
    sessions: int = 2000,
    ambitions: int = 8,
    seed: int = 1,
    email_prefix: str = "seed",
) -> Seeded:
    rng = random.Random(seed)
    now = timezone.now()
    school = School.objects.create(name=name)
    users = User.objects.bulk_create(
        [
            User(email=f"{email_prefix}{n}@{school.pk}.seed.test", name=f"Medewerker {n:04d}")
            for n in range(staff)
        ]
    )
    leader = User.objects.create_user(
        email=f"{email_prefix}-leider@{school.pk}.seed.test", name="Schoolleider", password=None
    )
    Membership.objects.bulk_create(
        [Membership(user=u, school=school, is_teacher=True) for u in users]
        + [Membership(user=leader, school=school, is_school_leader=True)]
    )
    group_objects = Group.objects.bulk_create(
        [Group(school=school, name=f"Team {n:02d}", kind="team") for n in range(groups)]
    )
    members: dict[int, list[User]] = {}
    links = []
    for index, group in enumerate(group_objects):
        size = rng.randint(4, 12)
        start = (index * 7) % max(staff - size, 1)
        chosen = users[start : start + size]
        members[group.pk] = chosen
        links += [GroupMember(group=group, user=u) for u in chosen]
    GroupMember.objects.bulk_create(links)

    ambition_objects = Ambition.objects.bulk_create(
        [
            Ambition(school=school, title=f"Ambitie {n}", period_start=2024, period_end=2028)
            for n in range(ambitions)
        ]
    )
    year_start = datetime(now.year if now.month >= 8 else now.year - 1, 8, 20, tzinfo=now.tzinfo)
    cycles = Cycle.objects.bulk_create(
        [
            Cycle(
                school=school,
                group=group,
                title=f"Cyclus {group.name}",
                goal="Samen beter lesgeven",
                period_start=year_start.date(),
                period_end=(year_start + timedelta(days=330)).date(),
                every_weeks=2,
                weekday=1,
                start_time=time(15, 30),
            )
            for group in group_objects
        ]
    )
    through = Cycle.ambitions.through
    through.objects.bulk_create(
        [
            through(cycle=cycle, ambition=ambition_objects[i % (ambitions - 1)])
            for i, cycle in enumerate(cycles)
        ]
    )  # the last ambition has no dialogue

    session_objects = []
    for n in range(sessions):
        cycle = cycles[n % len(cycles)]
        starts = year_start + timedelta(
            days=(n // len(cycles)) * 330 / max(sessions // len(cycles), 1)
        )
        past = starts < now
        status = SessionStatus.PLANNED
        if past:
            status = SessionStatus.CANCELLED if rng.random() < 0.1 else SessionStatus.HELD
        session_objects.append(
            Session(
                school=school,
                cycle=cycle,
                group=cycle.group,
                facilitator=members[cycle.group_id][0],
                title=f"Dialoog {n}",
                starts_at=starts,
                status=status,
            )
        )
    session_objects = Session.objects.bulk_create(session_objects)
    held = [s for s in session_objects if s.status == SessionStatus.HELD]
    rooms = Room.objects.bulk_create(
        [Room(session=s, status=RoomStatus.ENDED, ended_at=s.starts_at) for s in held]
    )
    seats = []
    for room, session in zip(rooms, held, strict=True):
        for person in members[session.group_id]:
            if rng.random() < 0.8:
                seats.append(Participant(room=room, user=person))
    Participant.objects.bulk_create(seats)

    actions = []
    owners = []
    for session in held:
        due = (session.starts_at + timedelta(days=21)).date()
        done = rng.random() < 0.6
        actions.append(
            ActionPoint(
                session=session,
                text=f"Actie na {session.title}",
                due_date=due,
                status=ActionStatus.DONE if done else ActionStatus.OPEN,
                done_at=session.starts_at + timedelta(days=rng.randint(1, 30)) if done else None,
            )
        )
    actions = ActionPoint.objects.bulk_create(actions)
    for action, session in zip(actions, held, strict=True):
        owners.append(
            ActionPoint.owners.through(actionpoint=action, user=members[session.group_id][0])
        )
    ActionPoint.owners.through.objects.bulk_create(owners)

    responses = []
    for session in held:
        answered = [p for p in members[session.group_id] if rng.random() < 0.7]
        for place, _person in enumerate(answered):
            responses.append(
                QualityResponse(
                    group_id=session.group_id,
                    session=session,
                    instrument=Instrument.SCAN,
                    period=period_of(timezone.localtime(session.starts_at).date()),
                    answers=_answers(rng, SCAN) | {BATCH_KEY: place // BATCH},
                )
            )
    for group in group_objects:
        for period in {period_of(timezone.localtime(s.starts_at).date()) for s in held}:
            answered = [p for p in members[group.pk] if rng.random() < 0.6]
            for place, _person in enumerate(answered):
                responses.append(
                    QualityResponse(
                        group=group,
                        instrument=Instrument.SAFETY,
                        period=period,
                        answers=_answers(rng, SAFETY) | {BATCH_KEY: place // BATCH},
                    )
                )
    QualityResponse.objects.bulk_create(responses, batch_size=1000)
    return Seeded(school=school, leader=leader, groups=group_objects, sessions=len(session_objects))
