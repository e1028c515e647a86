import secrets

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from samenspraak.live import engine
from samenspraak.live.access import GUEST_COOKIE, room_of, runs_room
from samenspraak.live.events import broadcast_room
from samenspraak.live.models import Participant, Room
from samenspraak.methods.kinds import MethodRole
from samenspraak.planning.access import get_session_for, is_participant
from samenspraak.planning.models import JOIN_CODE_ALPHABET, Session, SessionStatus


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=8, min_length=6)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if any(c not in JOIN_CODE_ALPHABET for c in code):
            raise forms.ValidationError(_("A join code has six letters and digits, like K7Q2MX."))
        return code


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=60)


def _ws_path(room: Room) -> str:
    return f"/ws/rooms/{room.pk}/"


def _session_by_code(code: str) -> Session | None:
    return (
        Session.objects.filter(join_code=code)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("school")
        .first()
    )


def join(request: HttpRequest) -> HttpResponse:
    """Type the code from the projector (or scan its QR code, which opens /join/<code>/)."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("live:join_code", code=form.cleaned_data["code"])
    return render(
        request, "live/join.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def join_code(request: HttpRequest, code: str) -> HttpResponse:
    # The form's rule for a code (the code alphabet: never a NUL to the database); a bound
    # and cleaned form also takes the error below.
    form = JoinForm({"code": code[:8]})
    known = form.is_valid() and len(code) <= 8
    session = _session_by_code(form.cleaned_data["code"]) if known else None
    if session is None:
        form.add_error(None, _("No session has this code. Check it on the projector."))
        return render(request, "live/join.html", {"form": form}, status=404)
    if request.user.is_authenticated:
        get_session_for(request.user, session.pk)  # 404 when not theirs
        return redirect("live:participant", session_id=session.pk)
    room = room_of(session)
    if not room.guests_allowed:
        return redirect(
            f"{reverse('accounts:login')}?next={reverse('live:join_code', args=[code])}"
        )
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(24)
        guest = Participant.objects.create(
            room=room,
            guest_name=form.cleaned_data["name"].strip(),
            guest_token_hash=Participant.hash_token(token),
        )
        broadcast_room(room.pk, engine.seat_taken(room_id=room.pk, participant=guest).events)
        response = redirect("live:guest_room", session_id=session.pk)
        response.set_cookie(
            GUEST_COOKIE.format(room=room.pk),
            token,
            max_age=12 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    return render(
        request,
        "live/guest.html",
        {"form": form, "session": session},
        status=400 if request.method == "POST" else 200,
    )


def _room_context(session: Session, room: Room, **extra) -> dict:
    return {
        "session": session,
        "room": room,
        "ws_path": _ws_path(room),
        "role_names": MethodRole.choices,  # a phone names the role its holder has
        **extra,
    }


def _looking_back(user, session: Session) -> dict:
    """Which of the pages after the session the room links to for this person: the
    dialogue scan and a reflection are for its participants, the team safety questions for
    the members of its group. A planner who opens the room without taking part gets none."""
    return {
        "takes_part": is_participant(user, session),
        "in_group": session.group_id is not None
        and session.group.members.filter(pk=user.pk).exists(),
    }


@login_required
def participant(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for(request.user, session_id)
    room = room_of(session)
    context = _room_context(
        session, room, view="participant", **_looking_back(request.user, session)
    )
    return render(request, "live/participant.html", context)


def guest_room(request: HttpRequest, session_id: int) -> HttpResponse:
    room = (
        Room.objects.filter(session_id=session_id, guests_allowed=True)
        .select_related("session")
        .first()
    )
    token = request.COOKIES.get(GUEST_COOKIE.format(room=room.pk)) if room else None
    if (
        room is None
        or not token
        or not room.participants.filter(guest_token_hash=Participant.hash_token(token)).exists()
    ):
        raise Http404
    return render(
        request, "live/participant.html", _room_context(room.session, room, view="participant")
    )


@login_required
def console(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for(request.user, session_id)
    if not runs_room(request.user, session):
        raise Http404
    room = room_of(session)
    if request.method == "POST" and request.POST.get("guests") in ("on", "off"):
        room.guests_allowed = request.POST["guests"] == "on"
        room.save(update_fields=["guests_allowed"])
        return redirect("live:console", session_id=session.pk)
    # The console's socket says so: whoever opens it leads (kinds.leads).
    context = _room_context(
        session,
        room,
        view="facilitator",
        ws_path=_ws_path(room) + "?view=console",
        **_looking_back(request.user, session),
    )
    return render(request, "live/console.html", context)


@login_required
def projector(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for(request.user, session_id)
    if not runs_room(request.user, session):
        raise Http404
    room = room_of(session)
    join_url = settings.SITE_URL + reverse("live:join_code", args=[session.join_code])
    qr = segno.make(join_url, error="m").svg_inline(
        scale=6, svgclass="qr", lineclass=None, omitsize=True
    )
    return render(
        request,
        "live/projector.html",
        _room_context(
            session,
            room,
            view="projector",
            ws_path=_ws_path(room) + "?view=projector",
            join_url=join_url,
            qr_svg=mark_safe(qr),  # noqa: S308  (segno output, no user text)
        ),
    )
