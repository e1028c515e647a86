"""Who may do what with work forms and card decks, and the only doors to them.

Everyone with an active membership reads the library: the built-ins and their own
schools' copies. Adapting (copy, edit, delete) and managing decks is for the roles below,
in their own school only. A built-in is read-only for everyone: asking to edit one gets
the same 404 as asking for another school's copy.
"""

from enum import StrEnum

from django.http import Http404

from samenspraak.accounts.models import User
from samenspraak.methods.models import CardDeck, Method, MethodQuerySet
from samenspraak.schools.access import active_memberships, holds_any
from samenspraak.schools.models import Membership, Role


class Permission(StrEnum):
    ADAPT_METHODS = "adapt_methods"
    MANAGE_DECKS = "manage_decks"


ADAPTERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.TEAM_LEADER, Role.FACILITATOR})

#: permission -> roles that hold it
RULES: dict[Permission, frozenset[Role]] = {
    Permission.ADAPT_METHODS: ADAPTERS,
    Permission.MANAGE_DECKS: ADAPTERS,
}


def memberships_with(user: User, permission: Permission) -> list[Membership]:
    return [m for m in active_memberships(user) if holds_any(m, RULES[permission])]


def visible_methods(user: User) -> MethodQuerySet:
    schools = [m.school_id for m in active_memberships(user)]
    if not schools:
        return Method.objects.none()
    return Method.objects.for_schools(schools)


def get_method_for(user: User, method_id: int) -> Method:
    method = (
        visible_methods(user).select_related("school", "copied_from").filter(pk=method_id).first()
    )
    if method is None:
        raise Http404
    return method


def get_editable_method_for(user: User, method_id: int) -> Method:
    """A copy of a school where the user may adapt work forms; built-ins are read-only."""
    method = (
        Method.objects.select_related("school").filter(pk=method_id, school__isnull=False).first()
    )
    schools = {m.school_id for m in memberships_with(user, Permission.ADAPT_METHODS)}
    if method is None or method.school_id not in schools:
        raise Http404
    return method


def visible_decks(user: User):
    schools = [m.school_id for m in active_memberships(user)]
    if not schools:
        return CardDeck.objects.none()
    from django.db.models import Q

    return CardDeck.objects.filter(Q(school__isnull=True, retired=False) | Q(school_id__in=schools))


def get_deck_for(user: User, deck_id: int) -> CardDeck:
    deck = visible_decks(user).filter(pk=deck_id).first()
    if deck is None:
        raise Http404
    return deck


def get_editable_deck_for(user: User, deck_id: int) -> CardDeck:
    deck = CardDeck.objects.filter(pk=deck_id, school__isnull=False).first()
    schools = {m.school_id for m in memberships_with(user, Permission.MANAGE_DECKS)}
    if deck is None or deck.school_id not in schools:
        raise Http404
    return deck
