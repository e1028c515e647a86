from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenspraak.accounts.models import User
from samenspraak.lib.forms import ModelMultipleChoiceField
from samenspraak.schools.models import Ambition, AmbitionStatus, Group, GroupKind, Role, School

MAX_STAFF_FILE_BYTES = 2 * 1024 * 1024


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("error_messages", {"required": _("Choose at least one role.")})
        super().__init__(choices=Role.choices, **kwargs)

    def clean(self, value):
        return {Role(v) for v in super().clean(value)}


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    roles = RolesField()
    groups = ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, school: School, *args, **kwargs):
        self.school = school
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(school=school)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.school.memberships.filter(user__email__iexact=email, is_active=True).exists():
            raise forms.ValidationError(_("This person is already a member of the school."))
        return email


class RolesForm(forms.Form):
    roles = RolesField()


class StaffFileForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list (CSV or XLSX)"),
        help_text=_(
            "Columns: name, e-mail, roles, groups. Separate several roles or groups with a "
            "comma or semicolon inside the cell."
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_STAFF_FILE_BYTES:
            raise forms.ValidationError(
                _("This file is larger than 2 MB. A staff list is much smaller: check the file.")
            )
        return file


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, school: School, group: Group | None, *args, **kwargs):
        self.school, self.group = school, group
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(school=self.school, name__iexact=name)
        if self.group is not None:
            clash = clash.exclude(pk=self.group.pk)
        if clash.exists():
            raise forms.ValidationError(_("This school already has a group with this name."))
        return name


class GroupMembersForm(forms.Form):
    members = ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, group: Group, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            User.objects.filter(
                memberships__school__in=group.eligible_schools(), memberships__is_active=True
            )
            .distinct()
            .order_by("name")
        )


class AmbitionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    period_start = forms.IntegerField(
        label=_("School plan from (year)"), min_value=2000, max_value=2100
    )
    period_end = forms.IntegerField(
        label=_("School plan until (year)"), min_value=2000, max_value=2100
    )
    status = forms.ChoiceField(label=_("Status"), choices=AmbitionStatus.choices)
    groups = ModelMultipleChoiceField(
        label=_("Groups working on it"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, school: School, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(school=school)
        if not self.is_bound and "period_start" not in self.initial:
            year = timezone.localdate().year
            self.initial.update({"period_start": year, "period_end": year + 4})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end year cannot lie before the start year."))
        return cleaned

    @staticmethod
    def initial_for(ambition: Ambition) -> dict:
        return {
            "title": ambition.title,
            "description": ambition.description,
            "period_start": ambition.period_start,
            "period_end": ambition.period_end,
            "status": ambition.status,
            "groups": list(ambition.groups.all()),
        }
