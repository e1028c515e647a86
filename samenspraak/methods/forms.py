from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samenspraak.methods.kinds import (
    MAX_MINUTES,
    MIN_MINUTES,
    SETTINGS,
    Family,
    Kind,
    MethodRole,
    Output,
    Pdca,
    Purpose,
    clean_settings,
    default_settings,
)
from samenspraak.methods.models import Method, Phase

ALWAYS_PRESENT = {MethodRole.FACILITATOR, MethodRole.PARTICIPANTS}


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    purpose = forms.ChoiceField(
        label=_("Purpose"), required=False, choices=[("", _("any purpose"))] + Purpose.choices
    )
    family = forms.ChoiceField(
        label=_("Kind of work form"), required=False, choices=[("", _("any kind"))] + Family.choices
    )
    people = forms.IntegerField(
        label=_("Number of people"), required=False, min_value=1, max_value=400
    )
    minutes = forms.IntegerField(
        label=_("At most (minutes)"), required=False, min_value=1, max_value=24 * 60
    )


class CopyForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School"), coerce=int)

    def __init__(self, memberships, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(m.school_id, m.school.name) for m in memberships]


def _multi(label, choices, required=False):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=required, widget=forms.CheckboxSelectMultiple
    )


class MethodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    summary = forms.CharField(label=_("How it goes"), max_length=4000, widget=forms.Textarea)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    min_people = forms.IntegerField(label=_("Fewest people"), min_value=1, max_value=400)
    max_people = forms.IntegerField(label=_("Most people"), min_value=1, max_value=400)
    pdca = _multi(_("Place in Plan–Do–Check–Act"), Pdca.choices, required=True)
    roles = _multi(_("Roles"), MethodRole.choices, required=True)

    def __init__(self, method: Method, *args, **kwargs):
        self.method = method
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(method: Method) -> dict:
        return {
            "name": method.name,
            "summary": method.summary,
            "purpose": method.purpose,
            "min_people": method.min_people,
            "max_people": method.max_people,
            "pdca": method.pdca,
            "roles": method.roles,
        }

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_people"), cleaned.get("max_people")
        if low and high and low > high:
            self.add_error("max_people", _("The most people cannot be fewer than the fewest."))
        roles = set(cleaned.get("roles") or [])
        if "roles" in cleaned:
            for phase in self.method.phases.all():
                missing = (set(phase.speaking) | set(phase.silent)) - roles - ALWAYS_PRESENT
                if missing:
                    labels = ", ".join(str(MethodRole(r).label) for r in sorted(missing))
                    self.add_error(
                        "roles",
                        _("Phase %(n)d (%(title)s) still uses: %(roles)s.")
                        % {"n": phase.position, "title": phase.title, "roles": labels},
                    )
        return cleaned


class PhaseForm(forms.Form):
    """The phase with the settings of its interaction kind. When the kind changes, the new
    kind's settings start from their defaults."""

    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Interaction"), choices=Kind.choices)
    minutes = forms.IntegerField(
        label=_("Minutes"),
        error_messages={
            "invalid": _("A phase needs a duration between 1 and 240 minutes."),
            "min_value": _("A phase needs a duration between 1 and 240 minutes."),
            "max_value": _("A phase needs a duration between 1 and 240 minutes."),
        },
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
    )
    purpose = forms.CharField(
        label=_("What it is for"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    guidance = forms.CharField(
        label=_("Guidance for the facilitator"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prompts = forms.CharField(
        label=_("Prompts for participants (one per line)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    speaking = _multi(_("Who speaks"), [])
    silent = _multi(_("Who stays silent"), [])
    produces = _multi(_("What it produces"), Output.choices)

    def __init__(self, phase: Phase, *args, **kwargs):
        self.phase = phase
        super().__init__(*args, **kwargs)
        roles = [r for r in MethodRole if r in ALWAYS_PRESENT or r in phase.method.roles]
        choices = [(r.value, r.label) for r in roles]
        self.fields["speaking"].choices = choices
        self.fields["silent"].choices = choices
        kind = self.data.get("kind") if self.is_bound else phase.kind
        self.kind = kind if kind in SETTINGS else phase.kind
        # A new kind starts from its defaults: its fields show after saving, not before.
        self.kind_changes = self.kind != phase.kind
        current = {} if self.kind_changes else phase.settings
        for name, spec in SETTINGS[self.kind].items():
            initial = current.get(name, spec.default)
            if spec.kind == "bool":
                field = forms.BooleanField(label=spec.label, required=False, initial=initial)
            elif spec.kind == "choice":
                field = forms.ChoiceField(label=spec.label, choices=spec.choices, initial=initial)
            else:
                field = forms.IntegerField(
                    label=spec.label,
                    initial=initial,
                    error_messages={"invalid": spec.error, "required": spec.error},
                )
            field.required = field.required and not self.kind_changes
            self.fields[f"setting_{name}"] = field

    @staticmethod
    def initial_for(phase: Phase) -> dict:
        return {
            "title": phase.title,
            "kind": phase.kind,
            "minutes": phase.minutes,
            "purpose": phase.purpose,
            "guidance": phase.guidance,
            "prompts": phase.prompts,
            "speaking": phase.speaking,
            "silent": phase.silent,
            "produces": phase.produces,
        }

    def setting_fields(self):
        return [self[name] for name in self.fields if name.startswith("setting_")]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("setting_")]

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("speaking") or []) & set(cleaned.get("silent") or [])
        if both:
            labels = ", ".join(str(MethodRole(r).label) for r in sorted(both))
            self.add_error(
                "silent", _("Nobody can both speak and stay silent: %(roles)s.") % {"roles": labels}
            )
        if cleaned.get("kind") != self.kind:
            return cleaned
        if self.kind_changes:
            cleaned["settings"] = default_settings(self.kind)
            return cleaned
        raw = {
            name.removeprefix("setting_"): cleaned[name]
            for name in self.fields
            if name.startswith("setting_") and name in cleaned
        }
        if len(raw) == len(SETTINGS[self.kind]):
            try:
                cleaned["settings"] = clean_settings(self.kind, raw)
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(None, message)
        return cleaned


class DeckForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CardForm(forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=80)
    text = forms.CharField(label=_("Question or statement"), max_length=400)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("question", _("question")), ("statement", _("statement (agree / disagree)"))],
    )


class CardFileForm(forms.Form):
    file = forms.FileField(
        label=_("Cards (CSV or XLSX)"),
        help_text=_("Columns: theme, text and (optionally) kind: question or statement."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 1024 * 1024:
            raise ValidationError(_("This file is larger than 1 MB. A card deck is much smaller."))
        return file
