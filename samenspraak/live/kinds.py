"""The interaction kinds beyond rounds, notes and positions: clustering into themes, dot
voting, card draw, pairs, World Café tables, the consent check and capturing what the
conversation produces. Called by `engine._do` inside its locked transaction; each handler
changes the room (or rows) and returns the events, or raises `Refused` having changed
nothing (the transaction is rolled back).

Trust rules kept here:
- Dots are kept per participant only while the room is open (`Room.dots`); the totals
  (`Room.dot_totals`) are what remains. Nobody but the voter is ever told who voted what.
- A consent answer in an anonymous check is stored without author (followup.services);
  its events carry counts only, and the reasons reach the facilitator only after the
  check is closed, so the moment of answering does not tie a reason to a person. Its
  action leaves no ClientAction row either (`engine._anonymous`).
"""

import random
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from samenspraak.followup import services as followup
from samenspraak.followup.models import ActionPoint, Agreement, Insight
from samenspraak.lib import tables as seating
from samenspraak.lib.forms import MAX_KEY_DIGITS, check_day
from samenspraak.live.models import Cluster, Contribution, Participant, Room
from samenspraak.methods.kinds import MethodRole
from samenspraak.methods.models import Card, CardDeck

# Phases whose notes are the room's. Not a reflection: that is personal (PRODUCT.md, data
# classes), so each writes their own on their reflection page, which only they read.
NOTE_KINDS = ("writing", "feedback_3xw", "actions", "tables")
MAX_TITLE = 120
MAX_CLUSTERS = 60


class Refused(Exception):
    """An action that is not accepted; `reason` is stable, `message` is for people."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason, self.message = reason, message


def _all(event: dict) -> dict:
    return {"audience": "all", "event": event}


def _facilitators(event: dict) -> dict:
    return {"audience": "facilitators", "event": event}


def _projector(event: dict) -> dict:
    return {"audience": "projector", "event": event}


def _only(participant: Participant, event: dict) -> dict:
    return {"audience": f"participant:{participant.pk}", "event": event}


def _setting(phase: dict | None, name: str, default=None):
    return (phase or {}).get("settings", {}).get(name, default)


def whole_number(payload: dict, name: str) -> int | None:
    """`payload[name]` if it is an int a database key can hold, not a bool (JSON's true
    is Python's 1); else None."""
    value = payload.get(name)
    return value if _is_key(value) else None


def _is_key(value) -> bool:
    # As lib.forms.is_key for typed ids: SQLite cannot even compare with an integer of 64
    # bits or more (OverflowError).
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**MAX_KEY_DIGITS


def _title(payload: dict, name: str = "title", limit: int = MAX_TITLE) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise Refused("invalid", _("Write something first."))
    if len(value) > limit:
        raise Refused(
            "too_long", _("This is too long: at most %(max)d characters.") % {"max": limit}
        )
    return value.strip()


def _refuse_validation(error: ValidationError) -> Refused:
    return Refused("invalid", " ".join(str(m) for m in error.messages))


def _need_kind(phase: dict, *kinds: str, message) -> None:
    if phase["kind"] not in kinds:
        raise Refused("wrong_phase", message)


# --- Who is in the group ------------------------------------------------------------------


def leads(room: Room, participant: Participant) -> bool:
    """The session's facilitator leads the conversation, and so does anyone who has opened
    the console (a planner running the room for a colleague): not in a round's order, not
    in the equal share, not seated at a table or in a pair."""
    if participant.on_console:
        return True
    return participant.user_id is not None and participant.user_id == room.session.facilitator_id


def still_to_speak(state: dict) -> list[int]:
    """Those in a round's order who have neither spoken nor passed, in order."""
    finished = set(state.get("done", [])) | set(state.get("passed", []))
    return [p for p in state.get("order", []) if p not in finished]


def floor_holder(state: dict) -> int | None:
    """Who has the floor in a round: in free order whoever the console gave it to; else
    the first of those still to speak."""
    if state.get("free"):
        return state.get("current")
    return next(iter(still_to_speak(state)), None)


def floor_moved(room: Room, state: dict, before: int | None) -> None:
    """Start the clock of a turn (`turn_at`: how long the phase had run then) when the
    floor went to someone else than `before`; none while nobody has it. The screens count
    the phase's `seconds_per_person` down from it."""
    holder = floor_holder(state)
    if holder is None:
        state["turn_at"] = None
    elif holder != before:
        state["turn_at"] = int(room.running_seconds() or 0)


def group_members(room: Room) -> list[Participant]:
    """Everyone in the room except those who lead it: staff first, then guests, each in
    the order they joined."""
    people = list(room.participants.order_by("joined_at", "pk"))
    people = [p for p in people if not leads(room, p)]
    return [p for p in people if p.user_id] + [p for p in people if not p.user_id]


def speaks(phase: dict | None, participant: Participant) -> bool:
    """Whether this person has a turn in the phase, by its `speaking` and `silent` roles
    ("participants" stands for everyone without a role of their own): the case owner
    listens during the advice round, only table hosts report back after a World Café."""
    speaking = set((phase or {}).get("speaking") or [])
    silent = set((phase or {}).get("silent") or [])
    roles = set(participant.roles)
    if roles & silent:
        return False
    if not speaking or roles & speaking:
        return True
    return "participants" in speaking and "participants" not in silent


def speakers(room: Room, phase: dict | None) -> list[Participant]:
    """Who is in a round's order: the group members who speak in this phase, or all of
    them when nobody holds the roles the phase names (roles not assigned yet)."""
    people = group_members(room)
    chosen = [p for p in people if speaks(phase, p)]
    return chosen or people


# --- Notes and their visibility -----------------------------------------------------------


def source_phase(items: list[dict], index: int) -> int | None:
    """The phase whose notes a clustering or voting phase works on: the nearest earlier
    phase in which notes are written."""
    for i in range(index - 1, -1, -1):
        if items[i]["kind"] in NOTE_KINDS:
            return i
    return None


def shared_with_room(room: Room, items: list[dict], index: int) -> bool:
    """Whether the notes of phase `index` are visible to everyone."""
    phase = items[index] if 0 <= index < len(items) else {}
    if index in room.revealed:
        return True
    if phase.get("kind") == "tables":
        return False  # each table sees its own notes until the facilitator shows them all
    return not _setting(phase, "hidden_until_revealed", True)


def table_of(room: Room, phase_index: int, participant_id: int) -> tuple[int, int] | None:
    """(table, round) of a participant in the current round of a tables phase."""
    seating_state = room.tables.get(str(phase_index))
    if not seating_state:
        return None
    round_ = seating_state["round"]
    for number, table in enumerate(seating_state["schedule"][round_]):
        if participant_id in table:
            return number, round_
    return None


def table_members(room: Room, phase_index: int, table: int) -> list[int]:
    seating_state = room.tables.get(str(phase_index))
    if not seating_state:
        return []
    return list(seating_state["schedule"][seating_state["round"]][table])


# --- Clustering ---------------------------------------------------------------------------


def cluster_payload(cluster: Cluster) -> dict:
    return {"id": cluster.pk, "phase": cluster.phase_index, "title": cluster.title}


def clusters_event(room: Room, **extra) -> dict:
    clusters = Cluster.objects.filter(room=room).order_by("phase_index", "pk")
    return _all({"kind": "clusters", "clusters": [cluster_payload(c) for c in clusters], **extra})


def cluster_create(room, actor, phase, payload, items):
    _need_kind(
        phase, "clustering", "dot_voting", message=_("Themes are made in a clustering phase.")
    )
    title = _title(payload)
    if Cluster.objects.filter(room=room).count() >= MAX_CLUSTERS:
        raise Refused("limit", _("This session has the most themes it can hold."))
    Cluster.objects.create(room=room, phase_index=room.phase_index, title=title)
    return [clusters_event(room)]


def _cluster_of_room(room, payload, name="cluster") -> Cluster:
    pk = whole_number(payload, name)
    cluster = Cluster.objects.filter(room=room, pk=pk).first() if pk is not None else None
    if cluster is None:
        raise Refused("invalid", _("Choose one of the themes shown."))
    return cluster


def cluster_rename(room, actor, phase, payload, items):
    _need_kind(
        phase, "clustering", "dot_voting", message=_("Themes are made in a clustering phase.")
    )
    cluster = _cluster_of_room(room, payload)
    cluster.title = _title(payload)
    cluster.save(update_fields=["title"])
    return [clusters_event(room)]


def cluster_remove(room, actor, phase, payload, items):
    _need_kind(
        phase, "clustering", "dot_voting", message=_("Themes are made in a clustering phase.")
    )
    cluster = _cluster_of_room(room, payload)
    if cluster.phase_index != room.phase_index:
        raise Refused("wrong_phase", _("Only a theme made in this phase can be removed."))
    if any(f"c{cluster.pk}" in dots for dots in room.dot_totals.values()):
        raise Refused("has_votes", _("This theme has votes; it stays."))
    moved = [str(pk) for pk in cluster.contributions.values_list("pk", flat=True)]
    cluster.delete()
    return [clusters_event(room, unplaced=moved)]


def note_cluster(room, actor, phase, payload, items):
    _need_kind(
        phase, "clustering", message=_("Notes are sorted into themes in a clustering phase.")
    )
    source = source_phase(items, room.phase_index)
    raw = payload.get("note")
    note = None
    if isinstance(raw, str) and len(raw) <= 40 and source is not None:
        try:
            note = Contribution.objects.filter(room=room, phase_index=source, pk=raw).first()
        except ValidationError:
            note = None
    if note is None:
        raise Refused("invalid", _("Choose one of the notes shown."))
    cluster = None if payload.get("cluster") is None else _cluster_of_room(room, payload)
    note.cluster = cluster
    note.save(update_fields=["cluster"])
    return [
        clusters_event(
            room, placed={"note": str(note.pk), "cluster": cluster.pk if cluster else None}
        )
    ]


# --- Dot voting ---------------------------------------------------------------------------


def vote_options(room: Room, items: list[dict], index: int) -> list[dict]:
    """What a voting phase votes on: the themes made up to this phase, or, when there are
    none, the notes of the phase before it that the room can see."""
    clusters = Cluster.objects.filter(room=room, phase_index__lte=index).order_by(
        "phase_index", "pk"
    )
    if clusters:
        return [{"target": f"c{c.pk}", "label": c.title} for c in clusters]
    source = source_phase(items, index)
    if source is None or not shared_with_room(room, items, source):
        return []
    notes = Contribution.objects.filter(room=room, phase_index=source).order_by("text", "pk")
    return [{"target": f"n{n.pk}", "label": n.text} for n in notes]


def votes_hidden(room: Room, phase: dict, index: int) -> bool:
    return bool(_setting(phase, "reveal_on_command", True)) and index not in room.revealed


def vote_summary(room: Room, index: int) -> dict:
    totals = room.dot_totals.get(str(index), {})
    voters = len([1 for dots in room.dots.get(str(index), {}).values() if dots])
    return {
        "phase": index,
        "totals": dict(totals),
        "placed": sum(totals.values()),
        "voters": voters,
        "revealed": index in room.revealed,
    }


def _vote_events(room: Room, phase: dict, actor: Participant) -> list[dict]:
    index = room.phase_index
    summary = vote_summary(room, index)
    mine = room.dots.get(str(index), {}).get(str(actor.pk), {})
    events = [_only(actor, {"kind": "my_votes", "phase": index, "dots": dict(mine)})]
    if votes_hidden(room, phase, index):
        # Everyone learns how many dots are placed; only the console sees where. (The
        # facilitators' copy comes last, so no screen ends up with the shorter one.)
        hidden = {k: v for k, v in summary.items() if k != "totals"}
        events.append(_all({"kind": "votes", **hidden}))
        events.append(_facilitators({"kind": "votes", **summary}))
    else:
        events.append(_all({"kind": "votes", **summary}))
    return events


def vote_change(room, actor, phase, payload, items, *, add: bool):
    _need_kind(phase, "dot_voting", message=_("Dots are placed in a voting phase."))
    if actor is None or leads(room, actor):
        raise Refused("forbidden", _("The facilitator does not vote."))
    if room.phase_index in room.revealed:
        raise Refused("closed", _("The votes have been shown; voting is closed."))
    target = payload.get("target")
    options = {o["target"] for o in vote_options(room, items, room.phase_index)}
    if not isinstance(target, str) or target not in options:
        raise Refused("invalid", _("Choose one of the options shown."))
    per_phase = room.dots.setdefault(str(room.phase_index), {})
    mine = per_phase.setdefault(str(actor.pk), {})
    totals = room.dot_totals.setdefault(str(room.phase_index), {})
    budget = _setting(phase, "dots_per_person", 3)
    if add:
        if sum(mine.values()) >= budget:
            raise Refused(
                "over_budget",
                _("You have placed all your dots (%(budget)d). Take one back first.")
                % {"budget": budget},
            )
        mine[target] = mine.get(target, 0) + 1
        totals[target] = totals.get(target, 0) + 1
    else:
        if not mine.get(target):
            raise Refused("invalid", _("You have no dot there."))
        mine[target] -= 1
        totals[target] -= 1
        if not mine[target]:
            del mine[target]
        if not totals[target]:
            del totals[target]
    return _vote_events(room, phase, actor)


def votes_reveal(room, actor, phase, payload, items):
    _need_kind(phase, "dot_voting", message=_("Results are shown in a voting phase."))
    if room.phase_index not in room.revealed:
        room.revealed = [*room.revealed, room.phase_index]
    return [_all({"kind": "votes", **vote_summary(room, room.phase_index)})]


# --- Card draw ----------------------------------------------------------------------------


def decks_for(room: Room):
    session = room.session
    return CardDeck.objects.filter(
        Q(school__isnull=True, retired=False) | Q(school_id=session.school_id)
    ).order_by("school_id", "name_nl")


def card_payload(card: Card) -> dict:
    return {
        "id": card.pk,
        "kind": card.kind,
        "theme": {"nl": card.theme_nl, "en": card.theme_en or card.theme_nl},
        "text": {"nl": card.text_nl, "en": card.text_en or card.text_nl},
    }


def card_draw(room, actor, phase, payload, items):
    _need_kind(phase, "card_draw", message=_("Cards are drawn in a card phase."))
    pk = whole_number(payload, "deck")
    deck = decks_for(room).filter(pk=pk).first() if pk is not None else None
    if deck is None:
        raise Refused("invalid", _("Choose one of the card decks shown."))
    all_cards = list(deck.cards.order_by("position"))
    if not all_cards:
        raise Refused("empty", _("This deck has no cards."))
    wanted = min(_setting(phase, "cards_per_draw", 1), len(all_cards))
    drawn = room.cards.setdefault("drawn", {})
    used = set(drawn.get(str(deck.pk), []))
    left = [c for c in all_cards if c.pk not in used]
    chosen = random.sample(left, min(wanted, len(left)))
    if len(chosen) < wanted:  # the deck is exhausted: start again without the cards in hand
        used = set()
        rest = [c for c in all_cards if c not in chosen]
        chosen += random.sample(rest, wanted - len(chosen))
    drawn[str(deck.pk)] = sorted(used | {c.pk for c in chosen})
    shown = {"deck": deck.pk, "cards": [card_payload(c) for c in chosen]}
    room.cards.setdefault("shown", {})[str(room.phase_index)] = shown
    return [_all({"kind": "cards", "phase": room.phase_index, **shown})]


def cards_left(room: Room, deck: CardDeck, count: int) -> int:
    return count - len(room.cards.get("drawn", {}).get(str(deck.pk), []))


# --- Pairs --------------------------------------------------------------------------------


def split_groups(ids: list[int], size: int) -> list[list[int]]:
    """Groups of `size`; pairs with an odd count make one trio; trios with one left over
    make two pairs of the last four, with two left over one pair."""
    if size == 2:
        groups = [ids[i : i + 2] for i in range(0, len(ids) - len(ids) % 2, 2)]
        if len(ids) % 2:
            groups[-1].append(ids[-1])
        return groups
    rest = len(ids) % 3
    cut = len(ids) - {0: 0, 1: 4, 2: 2}[rest]
    groups = [ids[i : i + 3] for i in range(0, cut, 3)]
    return groups + [ids[i : i + 2] for i in range(cut, len(ids), 2)]


def pairs_form(room, actor, phase, payload, items):
    _need_kind(phase, "pairs", message=_("Pairs are formed in a pairs phase."))
    # Someone whose role is silent in this phase (the case owner during the analysis)
    # listens and is not put in a pair.
    silent = set(phase.get("silent") or []) - {"participants"}
    ids = [p.pk for p in group_members(room) if not silent & set(p.roles)]
    if len(ids) < 2:
        raise Refused("too_few", _("At least two people are needed to form pairs."))
    random.shuffle(ids)
    size = _setting(phase, "group_size", 2)
    if size == 3 and len(ids) in (2, 4):
        size = 2
    room.groups[str(room.phase_index)] = {"groups": split_groups(ids, size), "switched": False}
    return [
        _all({"kind": "groups", "phase": room.phase_index, **room.groups[str(room.phase_index)]})
    ]


def pairs_switch(room, actor, phase, payload, items):
    _need_kind(phase, "pairs", message=_("Pairs are formed in a pairs phase."))
    current = room.groups.get(str(room.phase_index))
    if not current:
        raise Refused("no_pairs", _("Form the pairs first."))
    if not _setting(phase, "switch_roles", True):
        raise Refused("invalid", _("In this phase the roles stay the same."))
    current["switched"] = not current["switched"]
    return [_all({"kind": "groups", "phase": room.phase_index, **current})]


# --- World Café tables --------------------------------------------------------------------


def tables_assign(room, actor, phase, payload, items):
    _need_kind(phase, "tables", message=_("Tables are set in a tables phase."))
    key = str(room.phase_index)
    if room.tables.get(key) and room.tables[key]["round"] > 0:
        raise Refused("started", _("The rounds have started; the tables stay as they are."))
    people = group_members(room)
    if len(people) < 2:
        raise Refused("too_few", _("At least two people are needed to set tables."))
    size = _setting(phase, "table_size", 4)
    rounds = _setting(phase, "rounds", 3)
    hosts_stay = bool(_setting(phase, "hosts_stay", True))
    count = seating.table_count(len(people), size)
    named_hosts = [p for p in people if "table_host" in p.roles]
    others = [p for p in people if "table_host" not in p.roles]
    random.shuffle(others)
    if hosts_stay:
        # The first `count` people stay: the named hosts, topped up from the others.
        order = named_hosts + others
        hosts = [p.pk for p in order[:count]]
    else:
        order = named_hosts + others
        random.shuffle(order)
        hosts = []
    schedule = seating.assign(
        len(order), size, rounds, hosts=hosts_stay, seed=random.randrange(1 << 30)
    )
    ids = [p.pk for p in order]
    room.tables[key] = {
        "schedule": [[[ids[n] for n in table] for table in tables] for tables in schedule],
        "round": 0,
        "hosts": hosts,
        "size": size,
    }
    return [_all(tables_event(room, room.phase_index))]


def tables_event(room: Room, index: int) -> dict:
    return {"kind": "tables", "phase": index, **room.tables[str(index)]}


def tables_round(room, actor, phase, payload, items, *, step: int):
    _need_kind(phase, "tables", message=_("Tables are set in a tables phase."))
    current = room.tables.get(str(room.phase_index))
    if not current:
        raise Refused("no_tables", _("Set the tables first."))
    target = current["round"] + step
    if not 0 <= target < len(current["schedule"]):
        raise Refused("no_such_round", _("There is no round there."))
    current["round"] = target
    return [_all(tables_event(room, room.phase_index))]


def place_latecomer(room: Room, participant: Participant, items: list[dict]) -> list[dict]:
    """Someone took a seat after the tables were set: seat them from the current round on
    in every tables phase, moving nobody else."""
    if leads(room, participant):
        return []
    events = []
    for key, current in room.tables.items():
        if any(participant.pk in table for tables in current["schedule"] for table in tables):
            continue
        index = int(key)
        if index < room.phase_index:
            continue
        ids = sorted({p for tables in current["schedule"] for table in tables for p in table})
        number = {pk: n for n, pk in enumerate(ids)}
        numbered = [
            [[number[p] for p in table] for table in tables] for tables in current["schedule"]
        ]
        from_round = current["round"] if index == room.phase_index else 0
        try:
            placed, newcomer = seating.add_latecomer(numbered, from_round, size=current.get("size"))
        except ValueError:
            continue
        ids.append(participant.pk)
        for r in range(from_round, len(placed)):
            for t, table in enumerate(placed[r]):
                if newcomer in table:
                    current["schedule"][r][t].append(participant.pk)
        events.append(_all(tables_event(room, index)))
    return events


def dilemma_of(room: Room, index: int) -> dict:
    """The dilemma phase `index` polls: the one set in it, else the one set last in an
    earlier phase (the dilemma dialogue polls one dilemma twice); {} if none was set."""
    for earlier in range(index, -1, -1):
        if str(earlier) in room.dilemmas:
            return room.dilemmas[str(earlier)]
    return {}


def position_counts(taken: dict) -> dict[str, int]:
    """How many took each position, from a phase's {seat: position}: counts, never names."""
    counts: dict[str, int] = {}
    for value in taken.values():
        counts[str(value)] = counts.get(str(value), 0) + 1
    return counts


def join_round(room: Room, participant: Participant, items: list[dict]) -> list[dict]:
    """Someone who came in (or stopped leading) while a round of the current phase still
    has people to speak joins its order at the end, if they speak in it; nobody moves, and
    whoever has the floor keeps it. A round already done, or not begun, stays as it is
    (starting it makes the order anew, with everyone)."""
    index = room.phase_index
    phase = items[index] if 0 <= index < len(items) else None
    state = room.speaking.get(str(index))
    if phase is None or phase["kind"] != "round" or not state or leads(room, participant):
        return []
    if participant.pk in state.get("order", []) or not still_to_speak(state):
        return []
    if participant.pk not in {p.pk for p in speakers(room, phase)}:
        return []
    state["order"].append(participant.pk)
    return [_all({"kind": "speaking", "phase": index, "state": state})]


# --- Someone starts leading ---------------------------------------------------------------

_SPEAKING_LISTS = ("order", "done", "passed", "queue")


def _join_smallest(groups: list[list[int]], alone: list[int]) -> None:
    """Someone whose pair lost its other member joins the smallest other group, at its end
    (the last such group, as `split_groups` puts an odd one out in the last pair): a pair
    becomes a trio and its members keep their places, so its first still speaks first.
    With no other group they stay on their own."""
    others = [g for g in groups if g is not alone]
    if not others:
        return
    smallest = min(len(g) for g in others)
    target = [g for g in others if len(g) == smallest][-1]
    target.extend(alone)
    groups[:] = [g for g in groups if g is not alone]


def roles_in_use(room: Room) -> list[str]:
    """The roles the console offers to give in this room: the case owner and table hosts,
    each only where the work form uses it (among its roles, a phase's speakers or silent
    ones, and for table hosts any World Café phase). Other work forms show no role buttons."""
    snapshot = room.session.method_snapshot
    data = snapshot.data if snapshot else {}
    named = set(data.get("roles", []))
    for phase in data.get("phases", []):
        named |= set(phase.get("speaking", [])) | set(phase.get("silent", []))
        if phase["kind"] == "tables":
            named.add(MethodRole.TABLE_HOST)
    return [role.value for role in (MethodRole.CASE_OWNER, MethodRole.TABLE_HOST) if role in named]


def remove_leader(room: Room, participant: Participant) -> tuple[list[dict], dict[str, list]]:
    """A seat that now leads (its holder opened the console) leaves every round's order,
    pair and World Café table it was put in while it took part, as in `remove_seat`."""
    return remove_seat(room, participant.pk)


def remove_seat(room: Room, pk: int) -> tuple[list[dict], dict[str, list]]:
    """Seat `pk` leaves every round's order, pair and World Café table it was put in;
    nobody else moves. Used when it starts to lead, and when it is gone from the room.

    - A round: out of the order (and its done, passed and the hand queue); whoever is next
      in the order speaks next.
    - Pairs: out of their group; a member left on their own joins the smallest other group
      (`_join_smallest`), a trio goes on as a pair.
    - Tables: out of every round's table, and no longer a host; the others keep their
      seats and a table keeps its number (notes carry it), even with one person or none
      left in a round, as the seating itself leaves one person at a table when the count
      asks for it.

    Returns the events (a `speaking`, `groups` or `tables` event per phase that changed)
    and the phase indexes changed per kind, for the audit entry."""
    events: list[dict] = []
    changed: dict[str, list] = {"orders": [], "pairs": [], "tables": []}
    for key, state in room.speaking.items():
        if key == "talking" or not any(pk in state.get(name, []) for name in _SPEAKING_LISTS):
            continue
        before = floor_holder(state)
        for name in _SPEAKING_LISTS:
            if name in state:
                state[name] = [p for p in state[name] if p != pk]
        if state.get("current") == pk:  # had the floor in a round in free order
            state["current"] = None
        # The clock of this phase's turn; another phase's restarts when it starts again.
        if int(key) == room.phase_index:
            floor_moved(room, state, before)
        changed["orders"].append(int(key))
        events.append(_all({"kind": "speaking", "phase": int(key), "state": state}))
    for key, formed in room.groups.items():
        mine = next((g for g in formed["groups"] if pk in g), None)
        if mine is None:
            continue
        mine.remove(pk)
        if not mine:
            formed["groups"] = [g for g in formed["groups"] if g is not mine]
        elif len(mine) == 1:
            _join_smallest(formed["groups"], mine)
        changed["pairs"].append(int(key))
        events.append(_all({"kind": "groups", "phase": int(key), **formed}))
    for key, seating_state in room.tables.items():
        tables = [table for round_ in seating_state["schedule"] for table in round_]
        if not any(pk in table for table in tables) and pk not in seating_state["hosts"]:
            continue
        for table in tables:
            if pk in table:
                table.remove(pk)
        seating_state["hosts"] = [h for h in seating_state["hosts"] if h != pk]
        changed["tables"].append(int(key))
        events.append(_all(tables_event(room, int(key))))
    return events, changed


# --- Consent check ------------------------------------------------------------------------


def agreement_payload(agreement: Agreement, *, facilitator: bool, mine=None) -> dict:
    summary = followup.support_summary(agreement)
    data = {
        "id": agreement.pk,
        "text": agreement.text,
        "anonymous": agreement.anonymous,
        "open": agreement.check_open,
        "status": agreement.status,
        "counts": summary["counts"],
        "total": summary["total"],
        "checked": summary["total"] > 0 or agreement.check_open,
    }
    if facilitator and not agreement.check_open:
        data["reasons"] = [
            {"answer": r["answer"], "reason": r["reason"], "name": r["name"]}
            for r in summary["reasons"]
        ]
    if mine is not None:
        data["answered"] = mine
    return data


def _agreement_events(agreement: Agreement) -> list[dict]:
    public = agreement_payload(agreement, facilitator=False)
    events = [_all({"kind": "agreement", "agreement": public})]
    if not agreement.check_open:
        events.append(
            _facilitators(
                {"kind": "agreement", "agreement": agreement_payload(agreement, facilitator=True)}
            )
        )
    return events


def voter_key(participant: Participant) -> str:
    """Staff answer under the same key as on the agreements page (so nobody answers once
    in the room and once more on the page); a guest under their seat."""
    if participant.user_id:
        return f"user:{participant.user_id}"
    return f"guest:{participant.pk}"


def consent_propose(room, actor, phase, payload, items):
    _need_kind(phase, "consent", message=_("A consent check is held in a decision phase."))
    if Agreement.objects.filter(session=room.session, check_open=True).exists():
        raise Refused("check_open", _("Close the open consent check first."))
    try:
        agreement = followup.agreement_propose(
            session=room.session,
            by=actor.user if actor and actor.user_id else None,
            text=payload.get("text"),
            anonymous=bool(_setting(phase, "anonymous", False)),
            open_check=True,
        )
    except ValidationError as error:
        raise _refuse_validation(error) from error
    return _agreement_events(agreement)


def _agreement_of_room(room, payload) -> Agreement:
    pk = whole_number(payload, "agreement")
    agreement = (
        Agreement.objects.filter(session=room.session, pk=pk).first() if pk is not None else None
    )
    if agreement is None:
        raise Refused("invalid", _("Choose one of the proposals shown."))
    return agreement


def consent_answer(room, actor, phase, payload, items):
    if actor is None:
        raise Refused("forbidden", _("Join the session first."))
    agreement = _agreement_of_room(room, payload)
    answer, reason = payload.get("answer"), payload.get("reason", "")
    if not isinstance(reason, str):
        raise Refused("invalid", _("A reason is text."))
    if len(reason) > followup.MAX_TEXT:
        raise Refused(
            "too_long",
            _("This is too long: at most %(max)d characters.") % {"max": followup.MAX_TEXT},
        )
    try:
        followup.support_give(
            agreement=agreement,
            voter=voter_key(actor),
            name=actor.display_name,
            answer=answer if isinstance(answer, str) else "",
            reason=reason,
            reason_required=bool(_setting(phase, "reasons_required", True))
            if phase["kind"] == "consent"
            else True,
        )
    except ValidationError as error:
        raise _refuse_validation(error) from error
    return [
        _only(actor, {"kind": "my_support", "agreement": agreement.pk, "answer": answer}),
        *_agreement_events(agreement),
    ]


def consent_close(room, actor, phase, payload, items):
    agreement = _agreement_of_room(room, payload)
    if not agreement.check_open:
        raise Refused("closed", _("This consent check is already closed."))
    agreement = followup.agreement_close_check(
        agreement=agreement, by=actor.user if actor and actor.user_id else None
    )
    return _agreement_events(agreement)


# --- Capture ------------------------------------------------------------------------------


def insight_payload(insight: Insight) -> dict:
    return {"id": insight.pk, "text": insight.text}


def action_payload(action: ActionPoint) -> dict:
    return {
        "id": action.pk,
        "text": action.text,
        "owners": sorted(u.name for u in action.owners.all()),
        "due": action.due_date.isoformat() if action.due_date else None,
    }


def capture_insight(room, actor, phase, payload, items):
    try:
        insight = followup.insight_add(
            session=room.session, by=actor.user if actor.user_id else None, text=payload.get("text")
        )
    except ValidationError as error:
        raise _refuse_validation(error) from error
    return [_all({"kind": "captured", "insight": insight_payload(insight)})]


def capture_agreement(room, actor, phase, payload, items):
    by = actor.user if actor.user_id else None
    try:
        agreement = followup.agreement_propose(
            session=room.session, by=by, text=payload.get("text"), anonymous=False, open_check=False
        )
    except ValidationError as error:
        raise _refuse_validation(error) from error
    agreement = followup.agreement_close_check(agreement=agreement, by=by)  # adopted
    return _agreement_events(agreement)


def capture_action(room, actor, phase, payload, items):
    owners = payload.get("owners")
    if (
        not isinstance(owners, list)
        or not owners
        or len(owners) > 20
        or not all(_is_key(o) for o in owners)
    ):
        raise Refused("invalid", _("Choose at least one owner."))
    seats = list(room.participants.filter(pk__in=owners, user__isnull=False).select_related("user"))
    if len(seats) != len(set(owners)):
        raise Refused("invalid", _("Owners are people of the school in this room."))
    due = payload.get("due")
    due_date = None
    if due not in (None, ""):
        try:
            due_date = date.fromisoformat(due) if isinstance(due, str) and len(due) == 10 else None
        except ValueError:
            due_date = None
        if due_date is None:
            raise Refused("invalid", _("Give the due date as a date, like 2027-03-01."))
        try:
            check_day(due_date)
        except ValidationError as error:
            raise _refuse_validation(error) from None
    try:
        action = followup.action_add(
            session=room.session,
            by=actor.user if actor.user_id else None,
            text=payload.get("text"),
            owners=[s.user for s in seats],
            due_date=due_date,
        )
    except ValidationError as error:
        raise _refuse_validation(error) from error
    return [_all({"kind": "captured", "action": action_payload(action)})]


def captured(room: Room) -> dict:
    session = room.session
    return {
        "insights": [insight_payload(i) for i in Insight.objects.filter(session=session)],
        "actions": [
            action_payload(a)
            for a in ActionPoint.objects.filter(session=session).prefetch_related("owners")
        ],
    }


def review(room: Room) -> list[dict]:
    return [
        action_payload(a)
        | {"session": a.session.title, "status": a.status, "overdue": a.is_overdue}
        for a in followup.actions_to_review(room.session)
    ]


# --- Dispatch -----------------------------------------------------------------------------

FACILITATOR_HANDLERS = {
    "cluster.create": cluster_create,
    "cluster.rename": cluster_rename,
    "cluster.remove": cluster_remove,
    "note.cluster": note_cluster,
    "votes.reveal": votes_reveal,
    "card.draw": card_draw,
    "pairs.form": pairs_form,
    "pairs.switch": pairs_switch,
    "tables.assign": tables_assign,
    "tables.next": lambda *a: tables_round(*a, step=1),
    "tables.back": lambda *a: tables_round(*a, step=-1),
    "consent.propose": consent_propose,
    "consent.close": consent_close,
    "capture.insight": capture_insight,
    "capture.agreement": capture_agreement,
    "capture.action": capture_action,
}
PARTICIPANT_HANDLERS = {
    "vote.add": lambda *a: vote_change(*a, add=True),
    "vote.remove": lambda *a: vote_change(*a, add=False),
    "consent.answer": consent_answer,
}
