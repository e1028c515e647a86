"""Validate a staff list (CSV/XLSX) as a whole: every bad row is reported with its line
number and reason, and nothing is imported until the file is clean."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from samenspraak.accounts.models import User
from samenspraak.lib.tabular import TableError, read_table
from samenspraak.schools.models import Group, Role, School
from samenspraak.schools.services import StaffRow

# Header names a school may use, Dutch or English, mapped to our columns.
HEADERS = {
    "name": {"naam", "name", "volledige naam", "full name"},
    "email": {"e-mail", "email", "e-mailadres", "emailadres", "mail", "e-mail address"},
    "roles": {"rollen", "rol", "roles", "role"},
    "groups": {"groepen", "groep", "groups", "group"},
}
EMAIL_LENGTH = User._meta.get_field("email").max_length
ROLE_WORDS: dict[str, Role] = {}
for _role, _words in {
    Role.ADMIN: {"beheerder", "admin", "administrator"},
    Role.SCHOOL_LEADER: {"schoolleider", "school leader", "directeur", "school_leader"},
    Role.TEAM_LEADER: {"teamleider", "team leader", "team_leader"},
    Role.FACILITATOR: {"gespreksleider", "coach", "facilitator", "gespreksleider/coach"},
    Role.TEACHER: {"docent", "leraar", "teacher"},
    Role.SUPPORT_STAFF: {"medewerker", "onderwijsondersteuner", "support staff", "support_staff"},
}.items():
    for _word in _words:
        ROLE_WORDS[_word] = _role

SPLIT = re.compile(r"\s*[,;|]\s*")


@dataclass
class RowError:
    line: int
    message: str


def _split(cell: str) -> list[str]:
    return [part for part in SPLIT.split(cell.strip()) if part]


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for column, names in HEADERS.items():
            if key in names and column not in found:
                found[column] = index
    return found


def parse_staff_file(
    *, school: School, name: str, data: bytes
) -> tuple[list[StaffRow], list[RowError]]:
    try:
        table = read_table(name, data)
    except TableError as exc:
        return [], [RowError(0, str(exc))]
    columns = _columns(table[0])
    missing = [c for c in ("name", "email", "roles") if c not in columns]
    if missing:
        return [], [
            RowError(
                1,
                _("The first row must name the columns name, e-mail and roles (groups optional)."),
            )
        ]
    groups_by_name = {g.name.lower(): g for g in Group.objects.filter(school=school)}
    rows: list[StaffRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    for line, row in enumerate(table[1:], start=2):
        problems: list[str] = []
        person = cell(row, "name")
        email = cell(row, "email").lower()
        if not person:
            problems.append(_("the name is missing"))
        elif len(person) > 150:
            problems.append(_("the name is longer than 150 characters"))
        try:
            validate_email(email)  # allows 320 characters; the column holds EMAIL_LENGTH
        except ValidationError:
            problems.append(_("“%(email)s” is not a valid e-mail address") % {"email": email})
        else:
            if len(email) > EMAIL_LENGTH:
                problems.append(
                    _("the e-mail address is longer than %(max)d characters")
                    % {"max": EMAIL_LENGTH}
                )
            if email in seen:
                problems.append(
                    _("this e-mail address is also on line %(line)d") % {"line": seen[email]}
                )
            seen.setdefault(email, line)
        roles: set[Role] = set()
        role_words = _split(cell(row, "roles"))
        for word in role_words:
            role = ROLE_WORDS.get(word.lower())
            if role is None:
                problems.append(_("unknown role “%(role)s”") % {"role": word})
            else:
                roles.add(role)
        if not role_words:
            problems.append(_("no role given"))
        groups: list[Group] = []
        for group_name in _split(cell(row, "groups")):
            group = groups_by_name.get(group_name.lower())
            if group is None:
                problems.append(_("no group called “%(group)s” exists") % {"group": group_name})
            else:
                groups.append(group)
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
        else:
            rows.append(StaffRow(line=line, name=person, email=email, roles=roles, groups=groups))
    if not rows and not errors:
        errors.append(RowError(0, _("This file has a header row but no people.")))
    return rows, errors
