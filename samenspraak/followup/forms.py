from django import forms
from django.utils.translation import gettext_lazy as _

from samenspraak.accounts.models import User
from samenspraak.followup.models import (
    ActionStatus,
    Agreement,
    ObjectionState,
    ReflectionForm,
    Support,
)
from samenspraak.lib.forms import DateField, ModelMultipleChoiceField
from samenspraak.planning.forms import STARRT_FIELDS, DateInput

TEXT_LIMIT = 1000


def _textarea(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class AgreementForm(forms.Form):
    text = forms.CharField(label=_("Agreement or decision"), max_length=2000, widget=_textarea())
    support_check = forms.ChoiceField(
        label=_("Support check"),
        choices=[
            ("anonymous", _("ask for support, without names")),
            ("named", _("ask for support, with names")),
            ("none", _("no support check: record it as agreed")),
        ],
        initial="anonymous",
    )


class AgreementOutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, required=False, widget=_textarea(2)
    )
    review_date = DateField(label=_("Review on"), required=False, widget=DateInput)


class SupportForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=Support.choices)
    reason = forms.CharField(
        label=_("Reason (needed for a concern or an objection)"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=_textarea(2),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("answer") in (Support.CONCERN, Support.OBJECTION)
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give a reason for a concern or an objection."))
        return cleaned


class SettleForm(forms.Form):
    objection = forms.UUIDField(widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label=_("Settled how"),
        choices=[
            (ObjectionState.RESOLVED, _("resolved: the proposal was changed")),
            (ObjectionState.OVERRULED, _("overruled, for this reason")),
        ],
    )
    text = forms.CharField(
        label=_("How it was settled, or why it was overruled"),
        max_length=TEXT_LIMIT,
        widget=_textarea(2),
    )


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action point"), max_length=TEXT_LIMIT, widget=_textarea(2))
    owners = ModelMultipleChoiceField(
        label=_("Owners"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    due_date = DateField(label=_("Due"), required=False, widget=DateInput)
    agreement = forms.ModelChoiceField(
        label=_("Belongs to the agreement"), queryset=Agreement.objects.none(), required=False
    )

    def __init__(self, people: list[User], agreements, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = User.objects.filter(pk__in=[p.pk for p in people])
        self.fields["owners"].label_from_instance = lambda user: user.name
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].label_from_instance = lambda a: a.text[:80]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    reason = forms.CharField(
        label=_("Why it is dropped"), max_length=TEXT_LIMIT, required=False, widget=_textarea(2)
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ActionStatus.DROPPED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why the action point is dropped."))
        return cleaned


class FeedbackForm(forms.Form):
    went_well = forms.CharField(
        label=_("What went well?"), max_length=2000, required=False, widget=_textarea()
    )
    could_be_better = forms.CharField(
        label=_("What could be better?"), max_length=2000, required=False, widget=_textarea()
    )
    take_away = forms.CharField(
        label=_("What do you take away?"), max_length=2000, required=False, widget=_textarea()
    )

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(name) or "").strip() for name in self.fields):
            raise forms.ValidationError(_("Write an answer to at least one question."))
        return cleaned


FREE_FIELDS = (("text", _("Your reflection: what struck you, what did you learn?")),)


def reflection_questions(form: str):
    return STARRT_FIELDS if form == ReflectionForm.STARRT else FREE_FIELDS


class ReflectionTextForm(forms.Form):
    """The questions of the chosen reflection form: free (one text) or STARR(T)."""

    def __init__(self, form: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = reflection_questions(form)
        for key, label in self.questions:
            self.fields[key] = forms.CharField(
                label=label, required=False, max_length=5000, widget=_textarea(4)
            )

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[key].strip() for key, _label in self.questions}

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(key) or "").strip() for key, _label in self.questions):
            raise forms.ValidationError(_("Write an answer to at least one question."))
        return cleaned


class CoachForm(forms.Form):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=User.objects.none())

    def __init__(self, colleagues, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = colleagues
        self.fields["coach"].label_from_instance = lambda user: user.name
