from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspraak.accounts.models import Invitation
from samenspraak.lib.uploads import explain_too_large
from samenspraak.schools import services
from samenspraak.schools.access import (
    Permission,
    get_ambition_for,
    get_group_for,
    get_member_for,
    get_membership_for,
    has_permission,
    membership_in,
    visible_groups,
)
from samenspraak.schools.forms import (
    AmbitionForm,
    GroupForm,
    GroupMembersForm,
    InviteForm,
    RolesForm,
    StaffFileForm,
)
from samenspraak.schools.models import Ambition, Group, Membership
from samenspraak.schools.staff_import import parse_staff_file


def _form_status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- Members ------------------------------------------------------------------------------


@login_required
def member_list(request: HttpRequest, school_id: int) -> HttpResponse:
    acting = get_membership_for(request.user, school_id, Permission.MANAGE_MEMBERS)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL: no NUL
    # For someone who has not joined yet: their newest usable invitation, and whether its
    # e-mail has gone out or still waits in the task queue.
    invitation = (
        Invitation.objects.usable().filter(user=OuterRef("user")).order_by("-created_at", "-pk")
    )
    members = (
        Membership.objects.filter(school_id=school_id)
        .select_related("user")
        .annotate(
            open_invitation=Exists(invitation),
            invitation_sent_at=Subquery(invitation.values("sent_at")[:1]),
        )
        .order_by("-is_active", "user__name")
    )
    if query:
        members = members.filter(Q(user__name__icontains=query) | Q(user__email__icontains=query))
    context = {"school": acting.school, "members": members, "q": query}
    template = "schools/_member_rows.html" if request.htmx else "schools/member_list.html"
    return render(request, template, context)


@login_required
def member_invite(request: HttpRequest, school_id: int) -> HttpResponse:
    acting = get_membership_for(request.user, school_id, Permission.MANAGE_MEMBERS)
    form = InviteForm(acting.school, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.member_invite(
            school=acting.school,
            by=request.user,
            email=data["email"],
            name=data["name"],
            roles=data["roles"],
            groups=data["groups"],
        )
        messages.success(
            request,
            _(
                "%(name)s has been added. The invitation e-mail is queued and goes out in a "
                "moment; the list shows when it has been sent."
            )
            % {"name": data["name"]},
        )
        return redirect("schools:member_list", school_id=school_id)
    return render(
        request,
        "schools/member_invite.html",
        {"school": acting.school, "form": form},
        status=_form_status(request),
    )


@login_required
def member_import(request: HttpRequest, school_id: int) -> HttpResponse:
    acting = get_membership_for(request.user, school_id, Permission.MANAGE_MEMBERS)
    # Bound on every POST, even one whose only field was an oversized (skipped) file.
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = StaffFileForm(*posted)
    explain_too_large(request, form)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = parse_staff_file(school=acting.school, name=upload.name, data=upload.read())
        if not errors:
            result = services.members_import(school=acting.school, by=request.user, rows=rows)
            messages.success(
                request,
                _("Import done: %(invited)d invited, %(updated)d already known and updated.")
                % {"invited": result.invited, "updated": result.updated},
            )
            return redirect("schools:member_list", school_id=school_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "schools/member_import.html",
        {"school": acting.school, "form": form, "errors": errors},
        status=status,
    )


@login_required
def member_edit(request: HttpRequest, school_id: int, membership_id: int) -> HttpResponse:
    acting, member = get_member_for(request.user, school_id, membership_id)
    form = RolesForm(request.POST or None, initial={"roles": [r.value for r in member.roles]})
    if request.method == "POST" and form.is_valid():
        roles = form.cleaned_data["roles"]
        if member.pk == acting.pk and not any(r.value == "admin" for r in roles):
            form.add_error("roles", _("You cannot take away your own admin role."))
        else:
            services.member_set_roles(member=member, by=request.user, roles=roles)
            messages.success(request, _("The roles have been saved."))
            return redirect("schools:member_list", school_id=school_id)
    invitation = (
        Invitation.objects.usable().filter(user=member.user).order_by("-created_at", "-pk").first()
    )
    return render(
        request,
        "schools/member_edit.html",
        {
            "school": acting.school,
            "member": member,
            "form": form,
            "is_self": member.pk == acting.pk,
            "invitation": invitation,
        },
        status=_form_status(request),
    )


@login_required
@require_POST
def member_deactivate(request: HttpRequest, school_id: int, membership_id: int) -> HttpResponse:
    acting, member = get_member_for(request.user, school_id, membership_id)
    if member.pk == acting.pk:
        messages.error(request, _("You cannot deactivate yourself."))
    elif member.is_active:
        services.member_deactivate(member=member, by=request.user)
        messages.success(
            request,
            _("%(name)s has been deactivated and signed out everywhere.")
            % {"name": member.user.name},
        )
    return redirect("schools:member_list", school_id=school_id)


@login_required
@require_POST
def member_reactivate(request: HttpRequest, school_id: int, membership_id: int) -> HttpResponse:
    _acting, member = get_member_for(request.user, school_id, membership_id)
    if not member.is_active:
        services.member_reactivate(member=member, by=request.user)
        messages.success(request, _("%(name)s is active again.") % {"name": member.user.name})
    return redirect("schools:member_list", school_id=school_id)


@login_required
@require_POST
def member_reinvite(request: HttpRequest, school_id: int, membership_id: int) -> HttpResponse:
    _acting, member = get_member_for(request.user, school_id, membership_id)
    if member.user.has_usable_password():
        messages.info(request, _("%(name)s has already joined.") % {"name": member.user.name})
    else:
        services.invitation_resend(member=member, by=request.user)
        messages.success(
            request,
            _(
                "A new invitation to %(email)s is queued and goes out in a moment; this page "
                "shows when it has been sent."
            )
            % {"email": member.user.email},
        )
    return redirect("schools:member_edit", school_id=school_id, membership_id=membership_id)


# --- Groups -------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest, school_id: int) -> HttpResponse:
    membership = get_membership_for(request.user, school_id, Permission.VIEW_SCHOOL)
    groups = visible_groups(request.user, membership.school).annotate(
        member_count=Count("memberships", distinct=True)
    )
    return render(
        request,
        "schools/group_list.html",
        {
            "school": membership.school,
            "groups": groups,
            "can_manage": has_permission(membership, Permission.MANAGE_GROUPS),
            "sees_all": has_permission(membership, Permission.VIEW_ALL_GROUPS),
        },
    )


@login_required
def group_create(request: HttpRequest, school_id: int) -> HttpResponse:
    acting = get_membership_for(request.user, school_id, Permission.MANAGE_GROUPS)
    form = GroupForm(acting.school, None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_save(
            school=acting.school, by=request.user, group=None, **form.cleaned_data
        )
        messages.success(request, _("The group has been created. Now add its members."))
        return redirect("schools:group_members", group_id=group.pk)
    return render(
        request,
        "schools/group_form.html",
        {"school": acting.school, "form": form, "group": None},
        status=_form_status(request),
    )


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    membership = membership_in(request.user, group.school_id)
    members = group.members.filter(is_active=True).order_by("name")
    return render(
        request,
        "schools/group_detail.html",
        {
            "school": group.school,
            "group": group,
            "members": members,
            "ambitions": group.ambitions.all(),
            "can_manage": has_permission(membership, Permission.MANAGE_GROUPS),
        },
    )


@login_required
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request.user, group_id, Permission.MANAGE_GROUPS)
    form = GroupForm(
        group.school,
        group,
        request.POST or None,
        initial={"name": group.name, "kind": group.kind, "description": group.description},
    )
    if request.method == "POST" and form.is_valid():
        services.group_save(school=group.school, by=request.user, group=group, **form.cleaned_data)
        messages.success(request, _("The group has been saved."))
        return redirect("schools:group_detail", group_id=group.pk)
    return render(
        request,
        "schools/group_form.html",
        {"school": group.school, "form": form, "group": group},
        status=_form_status(request),
    )


@login_required
def group_members(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request.user, group_id, Permission.MANAGE_GROUPS)
    form = GroupMembersForm(
        group, request.POST or None, initial={"members": list(group.members.all())}
    )
    if request.method == "POST" and form.is_valid():
        services.group_set_members(group=group, by=request.user, users=form.cleaned_data["members"])
        messages.success(request, _("The members of the group have been saved."))
        return redirect("schools:group_detail", group_id=group.pk)
    return render(
        request,
        "schools/group_members.html",
        {"school": group.school, "group": group, "form": form},
        status=_form_status(request),
    )


# --- Ambitions ----------------------------------------------------------------------------


@login_required
def ambition_list(request: HttpRequest, school_id: int) -> HttpResponse:
    membership = get_membership_for(request.user, school_id, Permission.VIEW_SCHOOL)
    ambitions = Ambition.objects.filter(school_id=school_id).prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )
    return render(
        request,
        "schools/ambition_list.html",
        {
            "school": membership.school,
            "ambitions": ambitions,
            "can_manage": has_permission(membership, Permission.MANAGE_AMBITIONS),
            "sees_plan": has_permission(membership, Permission.VIEW_ALL_GROUPS),
        },
    )


@login_required
def ambition_create(request: HttpRequest, school_id: int) -> HttpResponse:
    acting = get_membership_for(request.user, school_id, Permission.MANAGE_AMBITIONS)
    form = AmbitionForm(acting.school, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ambition = services.ambition_save(
            school=acting.school, by=request.user, ambition=None, **form.cleaned_data
        )
        messages.success(request, _("The ambition has been saved."))
        return redirect("schools:ambition_detail", ambition_id=ambition.pk)
    return render(
        request,
        "schools/ambition_form.html",
        {"school": acting.school, "form": form, "ambition": None},
        status=_form_status(request),
    )


@login_required
def ambition_detail(request: HttpRequest, ambition_id: int) -> HttpResponse:
    ambition = get_ambition_for(request.user, ambition_id, Permission.VIEW_SCHOOL)
    membership = membership_in(request.user, ambition.school_id)
    return render(
        request,
        "schools/ambition_detail.html",
        {
            "school": ambition.school,
            "ambition": ambition,
            "groups": ambition.groups.order_by("name"),
            "can_manage": has_permission(membership, Permission.MANAGE_AMBITIONS),
        },
    )


@login_required
def ambition_edit(request: HttpRequest, ambition_id: int) -> HttpResponse:
    ambition = get_ambition_for(request.user, ambition_id, Permission.MANAGE_AMBITIONS)
    form = AmbitionForm(
        ambition.school, request.POST or None, initial=AmbitionForm.initial_for(ambition)
    )
    if request.method == "POST" and form.is_valid():
        services.ambition_save(
            school=ambition.school, by=request.user, ambition=ambition, **form.cleaned_data
        )
        messages.success(request, _("The ambition has been saved."))
        return redirect("schools:ambition_detail", ambition_id=ambition.pk)
    return render(
        request,
        "schools/ambition_form.html",
        {"school": ambition.school, "form": form, "ambition": ambition},
        status=_form_status(request),
    )
