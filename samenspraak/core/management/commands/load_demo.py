"""Load a realistic demo school: `python manage.py load_demo` (run by `make run`).

Stedelijk Lyceum De Linde, a secondary school of the fictional board Stichting VO
Lindestad, with 40 staff, six groups and three ambitions; a second small school of the
same board, Vakcollege Het Noorderlicht, shares a reading network with it. Every person
signs in with the demo password, which the login form refuses unless
SAMENSPRAAK_DEMO_LOGINS is on — so this command refuses to run where it is off.

Re-running is safe: every row is looked up by a stable key (e-mail, school + name,
school + title) and nothing is duplicated. It puts the seeded people, roles, groups and
ambitions back in place and never removes anything added through the app. Passwords are
set only for new people, plus the four headline accounts when theirs no longer matches,
so signed-in sessions survive a restart.
"""

import os
import unicodedata
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from samenspraak.accounts.models import User
from samenspraak.accounts.services import DEMO_PASSWORD
from samenspraak.methods.models import Method
from samenspraak.methods.services import snapshot_take
from samenspraak.planning.cadence import starts
from samenspraak.planning.models import Cycle, Holiday, Session, SessionStatus
from samenspraak.planning.services import cycle_cadence
from samenspraak.schools.models import (
    Ambition,
    AmbitionStatus,
    Board,
    Group,
    GroupKind,
    GroupMember,
    Membership,
    Role,
    School,
)

BOARD = "Stichting VO Lindestad"
LINDE = "Stedelijk Lyceum De Linde"
NOORDERLICHT = "Vakcollege Het Noorderlicht"
EMAIL_DOMAIN = "demo.test"

ADMIN = Role.ADMIN
LEADER = Role.SCHOOL_LEADER
TEAM_LEADER = Role.TEAM_LEADER
FACILITATOR = Role.FACILITATOR
TEACHER = Role.TEACHER
SUPPORT = Role.SUPPORT_STAFF

PLG = "PLG Formatief handelen"
NEDERLANDS = "Sectie Nederlands"
ONDERBOUW = "Team onderbouw"
BOVENBOUW = "Team bovenbouw havo/vwo"
WERKGROEP = "Werkgroep Veilig en gezond"
NETWERK = "Netwerk Lezen Lindestad"

# All six groups belong to De Linde; the network also takes people from Het Noorderlicht.
GROUPS = (
    (
        PLG,
        GroupKind.PLC,
        "Professionele leergemeenschap die onderzoekt hoe we lesdoelen en succescriteria "
        "zichtbaar maken en tijdens de les feedback geven. Komt elke zes weken bij elkaar.",
    ),
    (
        NEDERLANDS,
        GroupKind.SECTION,
        "De docenten Nederlands: leerlijnen, toetsing en het leesbeleid van de school.",
    ),
    (ONDERBOUW, GroupKind.TEAM, "Mentoren en docenten van leerjaar 1 tot en met 3."),
    (BOVENBOUW, GroupKind.TEAM, "Docenten en mentoren van havo 4–5 en vwo 4–6."),
    (
        WERKGROEP,
        GroupKind.WORKING_GROUP,
        "Werkt aan een veilig schoolklimaat: mentoraat, afspraken over omgaan met elkaar "
        "en de Gezonde School.",
    ),
    (
        NETWERK,
        GroupKind.NETWORK,
        "Docenten Nederlands en mediathecarissen van de scholen van Stichting VO Lindestad "
        "delen hoe ze leesplezier en leesvaardigheid bevorderen.",
    ),
)

# (name, e-mail or None for firstname.lastname@demo.test, roles, groups at De Linde)
LINDE_STAFF = (
    ("Karin Bosman", "schoolleider@demo.test", (LEADER,), ()),
    ("Anouk Verbeek", "beheerder@demo.test", (ADMIN, SUPPORT), ()),
    ("Mehmet Yılmaz", None, (TEAM_LEADER, TEACHER), (ONDERBOUW,)),  # aardrijkskunde
    ("Ellen de Groot", None, (TEAM_LEADER, TEACHER), (BOVENBOUW, WERKGROEP)),  # geschiedenis
    ("Fatima El Amrani", "gespreksleider@demo.test", (FACILITATOR, TEACHER), (PLG, NEDERLANDS)),
    ("Jeroen Smit", None, (FACILITATOR, TEACHER), (PLG, BOVENBOUW)),  # biologie
    ("Ingrid Hoekstra", None, (FACILITATOR,), (WERKGROEP, NETWERK)),  # coach, both schools
    ("Daan de Vries", "docent@demo.test", (TEACHER,), (NEDERLANDS, PLG, ONDERBOUW)),
    ("Sanne van den Berg", None, (TEACHER,), (NEDERLANDS, ONDERBOUW, NETWERK)),
    ("Rachid Bouzid", None, (TEACHER,), (NEDERLANDS, BOVENBOUW, NETWERK)),
    ("Lotte Mulder", None, (TEACHER,), (NEDERLANDS, BOVENBOUW)),
    ("Priya Ramdin", None, (TEACHER,), (PLG, ONDERBOUW)),  # wiskunde
    ("Thomas Visser", None, (TEACHER,), (BOVENBOUW,)),  # wiskunde
    ("Yasmina Ouali", None, (TEACHER,), (ONDERBOUW,)),  # Engels
    ("Kees Dijkstra", None, (TEACHER,), (BOVENBOUW,)),  # natuurkunde
    ("Marloes Kuipers", None, (TEACHER,), (PLG, BOVENBOUW)),  # Engels
    ("Emre Demir", None, (TEACHER,), (BOVENBOUW,)),  # economie
    ("Naomi Martina", None, (TEACHER,), (ONDERBOUW, WERKGROEP)),  # lichamelijke opvoeding
    ("Bram Willems", None, (TEACHER,), (ONDERBOUW,)),  # geschiedenis
    ("Iris Peeters", None, (TEACHER,), (BOVENBOUW,)),  # Frans
    ("Youssef Benali", None, (TEACHER,), (BOVENBOUW,)),  # scheikunde
    ("Wendy Tjin-A-Djie", None, (TEACHER,), (ONDERBOUW, WERKGROEP)),  # biologie
    ("Pieter Hofstra", None, (TEACHER,), (BOVENBOUW,)),  # Duits
    ("Esther Kramer", None, (TEACHER,), (ONDERBOUW,)),  # beeldende vorming
    ("Joost van Leeuwen", None, (TEACHER,), (ONDERBOUW,)),  # wiskunde
    ("Agnieszka Kowalska", None, (TEACHER,), (ONDERBOUW,)),  # Duits
    ("Hanneke Postma", None, (TEACHER,), (BOVENBOUW,)),  # aardrijkskunde
    ("Dewi Setiawan", None, (TEACHER,), (PLG, ONDERBOUW)),  # Engels
    ("Omar Haddad", None, (TEACHER,), (BOVENBOUW,)),  # natuurkunde
    ("Sophie Jacobs", None, (TEACHER,), (BOVENBOUW, WERKGROEP)),  # maatschappijleer
    ("Ruben Koster", None, (TEACHER,), (BOVENBOUW,)),  # informatica
    ("Mirjam de Boer", None, (TEACHER,), (ONDERBOUW,)),  # muziek
    ("Stefan Brouwer", None, (TEACHER,), (BOVENBOUW,)),  # lichamelijke opvoeding
    ("Zeynep Aydın", None, (TEACHER,), (PLG, BOVENBOUW)),  # wiskunde
    ("Gerard Vermeulen", None, (TEACHER,), (BOVENBOUW,)),  # Latijn en Grieks
    ("Linda Schouten", None, (SUPPORT,), (ONDERBOUW,)),  # onderwijsassistent
    ("Kofi Mensah", None, (SUPPORT,), (BOVENBOUW,)),  # technisch onderwijsassistent
    ("Marieke Veenstra", None, (SUPPORT,), (WERKGROEP,)),  # zorgcoördinator
    ("Hasan Çelik", None, (SUPPORT,), (WERKGROEP,)),  # conciërge
    ("Nicole Wouters", None, (SUPPORT,), (NETWERK,)),  # mediathecaris
)

# (name, e-mail or None, roles, groups at De Linde they join — only the network is open
# to them). Ingrid Hoekstra is listed at both schools: one account, two memberships.
NOORDERLICHT_STAFF = (
    ("Ronald Meijer", None, (LEADER,), ()),
    ("Saskia Prins", None, (ADMIN, SUPPORT), ()),
    ("Ingrid Hoekstra", None, (FACILITATOR,), (NETWERK,)),
    ("Jamal Idrissi", None, (TEACHER,), (NETWERK,)),  # Nederlands
    ("Femke de Jong", None, (TEACHER,), (NETWERK,)),  # Nederlands
    ("Tim Kok", None, (TEACHER,), ()),  # techniek
)

# (title, description, first year, last year, status, groups working on it)
AMBITIONS = (
    (
        "Formatief handelen in elke les",
        "In elke les weten leerlingen wat ze gaan leren en waaraan ze zien dat het gelukt "
        "is. Docenten gaan tijdens de les na waar leerlingen staan en passen hun instructie "
        "daarop aan. Dat leren we van en met elkaar: in de PLG, met collegiale lesbezoeken "
        "en in de teamvergaderingen.",
        2024,
        2028,
        AmbitionStatus.ACTIVE,
        (PLG, ONDERBOUW),
    ),
    (
        "Leesvaardigheid in alle vakken",
        "Leerlingen lezen beter en met meer plezier. Elk vak besteedt aandacht aan het lezen "
        "van vakteksten, met dezelfde leesstrategieën in alle leerjaren. De sectie Nederlands "
        "neemt het voortouw; in het netwerk leren we van de andere scholen van het bestuur.",
        2024,
        2028,
        AmbitionStatus.ACTIVE,
        (NEDERLANDS, NETWERK),
    ),
    (
        "Een veilige en gezonde school",
        "Iedere leerling en iedere collega voelt zich veilig en gezien. We vernieuwen het "
        "mentoraat, maken met leerlingen afspraken over hoe we met elkaar omgaan en volgen "
        "het welbevinden jaarlijks met de leerlingenquête.",
        2024,
        2028,
        AmbitionStatus.DRAFT,
        (WERKGROEP, BOVENBOUW),
    ),
)

# The four accounts the README and the login page point people to, with what they show.
HEADLINE_LOGINS = (
    ("beheerder@demo.test", "beheerder + medewerker"),
    ("schoolleider@demo.test", "schoolleider"),
    ("gespreksleider@demo.test", "gespreksleider + docent"),
    ("docent@demo.test", "docent"),
)

# Letters that Unicode does not decompose into a plain one.
_ASCII_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "ß": "ss"})


def demo_email(name: str) -> str:
    """'Sanne van den Berg' -> 'sanne.vandenberg@demo.test' (accents dropped)."""
    first, _, last = name.partition(" ")
    parts = []
    for part in (first, last):
        plain = unicodedata.normalize("NFKD", part.lower().translate(_ASCII_LETTERS))
        parts.append("".join(c for c in plain if c.isascii() and (c.isalnum() or c == "-")))
    return f"{parts[0]}.{parts[1]}@{EMAIL_DOMAIN}"


def ensure_person(name: str, email: str | None, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email or demo_email(name), defaults={"name": name, "password": password_hash}
    )
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def ensure_staff(school: School, staff, groups: dict[str, Group], password_hash: str) -> None:
    for name, email, roles, group_names in staff:
        user = ensure_person(name, email, password_hash)
        role_fields = {field: role in roles for role, field in Membership.ROLE_FIELDS.items()}
        Membership.objects.update_or_create(
            user=user,
            school=school,
            defaults={"is_active": True, "deactivated_at": None, **role_fields},
        )
        for group_name in group_names:
            GroupMember.objects.get_or_create(group=groups[group_name], user=user)


def ensure_headline_passwords(password_hash: str) -> None:
    """The documented logins must work even if someone changed their password."""
    for email, _ in HEADLINE_LOGINS:
        user = User.objects.get(email=email)
        # Comparing with the fresh hash first skips a slow Argon2 check for new people.
        if user.password != password_hash and not user.check_password(DEMO_PASSWORD):
            user.password = password_hash
            user.save(update_fields=["password"])


@transaction.atomic
def load_demo() -> School:
    # One hash for everyone: Argon2 is slow by design, and these are all the same password.
    password_hash = make_password(DEMO_PASSWORD)
    board, _ = Board.objects.get_or_create(name=BOARD)
    linde, _ = School.objects.update_or_create(name=LINDE, defaults={"board": board})
    noorderlicht, _ = School.objects.update_or_create(name=NOORDERLICHT, defaults={"board": board})
    groups = {
        name: Group.objects.update_or_create(
            school=linde, name=name, defaults={"kind": kind, "description": description}
        )[0]
        for name, kind, description in GROUPS
    }
    ensure_staff(linde, LINDE_STAFF, groups, password_hash)
    ensure_staff(noorderlicht, NOORDERLICHT_STAFF, groups, password_hash)
    ensure_headline_passwords(password_hash)
    for title, description, start, end, status, group_names in AMBITIONS:
        ambition, _ = Ambition.objects.update_or_create(
            school=linde,
            title=title,
            defaults={
                "description": description,
                "period_start": start,
                "period_end": end,
                "status": status,
            },
        )
        ambition.groups.add(*(groups[name] for name in group_names))
    ensure_holidays(linde)
    ensure_cycles(linde, groups)
    ensure_outcomes(linde)
    return linde


# (title, group, ambition, every weeks, weekday, time, facilitator, work form, preparation)
CYCLES = (
    (
        "Begrijpend lezen: wat werkt in onze lessen?",
        NEDERLANDS,
        "Leesvaardigheid in alle vakken",
        6,
        1,  # Tuesday
        time(15, 30),
        "gespreksleider@demo.test",
        "incident-method-60",
        "starrt",
    ),
    (
        "Feedback die leerlingen verder helpt",
        PLG,
        "Formatief handelen in elke les",
        4,
        3,  # Thursday
        time(15, 0),
        "gespreksleider@demo.test",
        "tuning-protocol",
        "",
    ),
)


def _weekend_before(day: date) -> date:
    """The Saturday on or before `day`."""
    return day - timedelta(days=(day.weekday() - 5) % 7)


def school_year_holidays(year: int) -> list[tuple[str, date, date]]:
    """Dutch school holidays of the school year that starts in August of `year`, roughly
    as region midden has them (the real dates differ per region and year)."""
    autumn = _weekend_before(date.fromisocalendar(year, 43, 1))
    spring = _weekend_before(date.fromisocalendar(year + 1, 8, 1))
    christmas = _weekend_before(date(year, 12, 20))
    may = _weekend_before(date(year + 1, 4, 26))
    summer = _weekend_before(date(year + 1, 7, 16))
    return [
        ("Herfstvakantie", autumn, autumn + timedelta(days=8)),
        ("Kerstvakantie", christmas, christmas + timedelta(days=15)),
        ("Voorjaarsvakantie", spring, spring + timedelta(days=8)),
        ("Meivakantie", may, may + timedelta(days=8)),
        ("Zomervakantie", summer, summer + timedelta(days=43)),
    ]


def ensure_holidays(school: School) -> None:
    """The holidays of this school year and the next, so the demo cycles skip them."""
    today = timezone.localdate()
    first_year = today.year if today.month >= 8 else today.year - 1
    for year in (first_year, first_year + 1):
        for name, first_day, last_day in school_year_holidays(year):
            Holiday.objects.get_or_create(
                school=school, name=name, first_day=first_day, defaults={"last_day": last_day}
            )


def ensure_cycles(school: School, groups: dict[str, Group]) -> None:
    """Cycles with held sessions behind and planned ones ahead, relative to today; made
    once (a cycle that already has sessions is left alone), and without sending mail."""
    today = timezone.localdate()
    for (
        title,
        group_name,
        ambition_title,
        weeks,
        weekday,
        at,
        facilitator_email,
        slug,
        prep,
    ) in CYCLES:
        facilitator = User.objects.filter(email=facilitator_email).first()
        cycle, _ = Cycle.objects.update_or_create(
            school=school,
            title=title,
            defaults={
                "group": groups[group_name],
                "goal": "Samen onderzoeken wat werkt, en dat in de les uitproberen.",
                "period_start": today - timedelta(weeks=2 * weeks),
                "period_end": today + timedelta(weeks=4 * weeks),
                "pdca_phase": "do",
                "every_weeks": weeks,
                "weekday": weekday,
                "start_time": at,
                "duration_minutes": 60 if slug != "tuning-protocol" else 75,
                "place": "Mediatheek",
                "facilitator": facilitator,
            },
        )
        cycle.ambitions.set(Ambition.objects.filter(school=school, title=ambition_title))
        if cycle.sessions.exists():
            continue
        method = Method.objects.filter(school__isnull=True, slug=slug).first()
        now = timezone.now()
        upcoming = 0
        for start in starts(cycle_cadence(cycle)):
            session = Session.objects.create(
                school=school,
                cycle=cycle,
                group=cycle.group,
                title=title,
                facilitator=facilitator,
                goal=cycle.goal,
                occasion="Wat we in de vorige sessie afspraken, proberen we nu in de klas uit.",
                shared_interest="Leerlingen begrijpen beter wat ze lezen en leren van feedback.",
                starts_at=start,
                duration_minutes=cycle.duration_minutes,
                place=cycle.place,
                status=SessionStatus.HELD if start < now else SessionStatus.PLANNED,
            )
            if start > now:
                upcoming += 1
                if upcoming == 1 and method is not None:
                    session.method_snapshot = snapshot_take(method=method)
                    session.preparation = prep
                    if prep:
                        session.preparation_deadline = start - timedelta(days=1)
                    session.save()


# What held sessions left behind, per cycle (by title), in turn:
# (insight, agreement, [(action, owner e-mail, done?)]).
OUTCOMES = {
    CYCLES[0][0]: (
        (
            "Leerlingen lezen beter als ze vooraf een leesdoel hebben.",
            "Elke les Nederlands begint met een leesdoel op het bord.",
            (
                ("Voorbeelden van leesdoelen verzamelen in de sectiemap", "docent@demo.test", True),
                (
                    "Leesdoel uitproberen in klas 2b en ervaringen meenemen",
                    "docent@demo.test",
                    False,
                ),
            ),
        ),
        (
            "Hardop voordenken helpt vooral de zwakkere lezers.",
            "We doen elk een les hardop voordenken en bespreken dat in de volgende sessie.",
            (("Les met hardop voordenken voorbereiden", "gespreksleider@demo.test", False),),
        ),
    ),
    CYCLES[1][0]: (
        (
            "Leerlingen doen pas iets met feedback als ze er in de les tijd voor krijgen.",
            "Na elke toets krijgen leerlingen tien minuten om met hun feedback te werken.",
            (
                ("Opdracht 'feedback verwerken' maken voor de PLG", "docent@demo.test", True),
                (
                    "Feedbacktijd uitproberen in klas 3a en ervaringen meenemen",
                    "docent@demo.test",
                    False,
                ),
            ),
        ),
        (
            "Feedback op de aanpak helpt leerlingen meer dan een cijfer alleen.",
            "Bij de volgende toets geven we feedback op de aanpak, niet alleen een cijfer.",
            (
                (
                    "Voorbeelden van feedback op de aanpak verzamelen",
                    "gespreksleider@demo.test",
                    False,
                ),
            ),
        ),
    ),
}


def ensure_outcomes(school: School) -> None:
    """Insights, adopted agreements and action points (done and open) for the held
    sessions of each demo cycle, so the next session opens with a review. Made once per
    session: a held session that already has agreements is left alone."""
    from samenspraak.followup import services as followup

    today = timezone.localdate()
    for cycle in Cycle.objects.filter(school=school, title__in=[c[0] for c in CYCLES]):
        held = cycle.sessions.filter(status=SessionStatus.HELD).order_by("starts_at")
        for number, session in enumerate(held):
            if session.agreements.exists():
                continue
            outcomes = OUTCOMES[cycle.title]
            insight, text, actions = outcomes[number % len(outcomes)]
            by = session.facilitator
            followup.insight_add(session=session, by=by, text=insight)
            agreement = followup.agreement_propose(
                session=session, by=by, text=text, anonymous=False
            )
            for voter, member in enumerate(cycle.group.members.all()[:6]):
                followup.support_give(
                    agreement=agreement,
                    voter=f"user:{member.pk}",
                    name=member.name,
                    answer="concern" if voter == 1 else "agree",
                    reason="Kost lestijd; we kijken na zes weken of het werkt."
                    if voter == 1
                    else "",
                )
            followup.agreement_close_check(agreement=agreement, by=by)
            agreement.outcome = "Aangenomen met één zorg over de lestijd."
            agreement.review_date = today + timedelta(weeks=6)
            agreement.save(update_fields=["outcome", "review_date"])
            for action_text, owner_email, done in actions:
                owner = User.objects.filter(email=owner_email).first()
                if owner is None:
                    continue
                action = followup.action_add(
                    session=session,
                    by=by,
                    text=action_text,
                    owners=[owner],
                    due_date=session.starts_at.date() + timedelta(weeks=3),
                    agreement=agreement,
                )
                if done:
                    followup.action_set_status(action=action, by=owner, status="done")
            ensure_held_session_extras(session, number)


FEEDBACK = (
    {"went_well": "Iedereen kwam aan het woord.", "take_away": "Leesdoel vooraf noemen."},
    {"went_well": "Concrete voorbeelden uit de klas.", "could_be_better": "Strakkere tijd."},
    {"could_be_better": "Meer tijd voor de afspraken.", "take_away": "Hardop voordenken."},
)


def ensure_held_session_extras(session: Session, number: int) -> None:
    """A published report, 3xW feedback and enough dialogue-quality checks to show a
    trend (the scores rise a little from session to session)."""
    from samenspraak.followup import quality, report
    from samenspraak.followup import services as followup
    from samenspraak.followup.models import ReportStatus

    members = list(session.group.members.order_by("email"))
    for person, answers in zip(members, FEEDBACK, strict=False):
        followup.feedback_give(session=session, user=person, answers=answers)
    for index, person in enumerate(members[:7]):
        score = min(5, 3 + number + (index % 2))  # 3-4 first, 4-5 later
        data = {
            key: str(score if key != "listening" else max(1, score - 1))
            for key in quality.SCAN.keys
        }
        quality.answer_scan(user=person, session=session, data=data)
    draft = report.draft_for(session)
    draft.status = ReportStatus.PUBLISHED  # published without mail: this is seeding
    draft.published_at = session.starts_at + timedelta(days=1)
    draft.edited_by = session.facilitator
    draft.save()


class Command(BaseCommand):
    help = "Load the demo school (idempotent). Refused when demo logins are off."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_LOGINS_ALLOWED:
            raise CommandError(
                "Demo data is not loaded here: demo logins are switched off "
                "(SAMENSPRAAK_DEMO_LOGINS=0, the production default). The demo accounts "
                "share a published password and must never exist on a real server."
            )
        school = load_demo()
        if options["verbosity"] < 1:
            return
        port = os.environ.get("PORT") or "8000"
        width = max(len(email) for email, _ in HEADLINE_LOGINS)
        lines = [
            f"Demo school ready: {school.name} "
            f"({school.memberships.count()} staff, {school.groups.count()} groups, "
            f"{school.ambitions.count()} ambitions).",
            f"Open http://127.0.0.1:{port}/ and sign in with password {DEMO_PASSWORD}:",
            *(f"  {email.ljust(width)}  {label}" for email, label in HEADLINE_LOGINS),
            f"Everyone else: firstname.lastname@{EMAIL_DOMAIN}, same password.",
        ]
        self.stdout.write("\n".join(lines))
