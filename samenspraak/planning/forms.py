from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from samenspraak.accounts.models import User
from samenspraak.lib.forms import DateField, DateTimeField, ModelMultipleChoiceField, check_day
from samenspraak.methods.kinds import Pdca
from samenspraak.planning.cadence import MAX_SESSIONS, Cadence, cadence_dates
from samenspraak.planning.models import Orientation, Structure, Weekday
from samenspraak.schools.models import Ambition, Group, School


def _people_of(school: School):
    return User.objects.filter(memberships__school=school, memberships__is_active=True).order_by(
        "name"
    )


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class CycleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    ambitions = ModelMultipleChoiceField(
        label=_("Ambitions it serves"),
        queryset=Ambition.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    goal = forms.CharField(
        label=_("Goal of the cycle"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    pdca_phase = forms.ChoiceField(
        label=_("Current phase of Plan–Do–Check–Act"), choices=Pdca.choices
    )
    structure = forms.ChoiceField(label=_("Sits in"), choices=Structure.choices)
    period_start = DateField(label=_("From"), widget=DateInput)
    period_end = DateField(label=_("Until"), widget=DateInput)
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        required=False,
        min_value=1,
        max_value=26,
        help_text=_(
            "For example 6 for every six weeks. Leave empty when you list the dates yourself. "
            "A session that falls in a school holiday moves to the week after."
        ),
    )
    weekday = forms.TypedChoiceField(
        label=_("On"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("choose a day"))] + Weekday.choices,
    )
    dates = forms.CharField(
        label=_("Or these dates"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One date per line or separated by commas, as 2026-09-15."),
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=480
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=User.objects.none(), required=False
    )

    def __init__(self, school: School, *args, **kwargs):
        self.school = school
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(school=school)
        self.fields["ambitions"].queryset = Ambition.objects.filter(school=school)
        self.fields["facilitator"].queryset = _people_of(school)

    def clean_dates(self) -> list[date]:
        raw = self.cleaned_data["dates"]
        result = []
        for part in raw.replace(",", "\n").split():
            try:
                day = date.fromisoformat(part.strip())
            except ValueError as error:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date; write it as 2026-09-15."),
                    params={"value": part[:20]},
                ) from error
            check_day(day)
            result.append(day)
        return sorted(set(result))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end lies before the start."))
            return cleaned
        if start and end and (end - start).days > 3 * 366:
            self.add_error("period_end", _("A cycle lasts at most three years."))
            return cleaned
        dates, weeks, day = (
            cleaned.get("dates") or [],
            cleaned.get("every_weeks"),
            cleaned.get("weekday"),
        )
        if not dates and not (weeks and day is not None):
            raise forms.ValidationError(
                _("Give a cadence (every how many weeks, and on which day) or a list of dates.")
            )
        if dates and (weeks or day is not None):
            raise forms.ValidationError(_("Choose either a cadence or a list of dates, not both."))
        if start and end and cleaned.get("start_time"):
            outside = [d for d in dates if not start <= d <= end]
            if outside:
                self.add_error(
                    "dates",
                    _("Some dates lie outside the period: %(dates)s.")
                    % {"dates": ", ".join(d.isoformat() for d in outside[:5])},
                )
            cadence = Cadence(start, end, cleaned["start_time"], weeks, day, tuple(dates))
            if len(cadence_dates(cadence)) > MAX_SESSIONS:
                raise forms.ValidationError(
                    _(
                        "This would plan more than %(max)d sessions. "
                        "Choose a longer interval or a shorter period."
                    ),
                    params={"max": MAX_SESSIONS},
                )
        return cleaned


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none(), required=False)
    invitees = ModelMultipleChoiceField(
        label=_("Also invite (across groups)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    orientation = forms.ChoiceField(label=_("Kind of dialogue"), choices=Orientation.choices)
    structure = forms.ChoiceField(label=_("Sits in"), choices=Structure.choices)
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=User.objects.none(), required=False
    )
    occasion = forms.CharField(
        label=_("Occasion: the concrete reason for this dialogue"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goal = forms.CharField(
        label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared_interest = forms.CharField(
        label=_("Shared interest: how do pupils benefit?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    starts_at = DateTimeField(label=_("Date and time"), widget=DateTimeInput)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=480
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    video_link = forms.URLField(
        label=_("Video link"), required=False, max_length=200, assume_scheme="https"
    )
    extra_ground_rules = forms.CharField(
        label=_("Extra ground rules for this session"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    preparation = forms.ChoiceField(
        label=_("Ask participants to prepare"),
        required=False,
        choices=[
            ("", _("no preparation")),
            ("method", _("the work form's questions")),
            ("starrt", _("a STARR(T) reflection")),
        ],
    )
    preparation_deadline = DateTimeField(
        label=_("Prepare before"), required=False, widget=DateTimeInput
    )
    feedback_anonymous = forms.BooleanField(
        label=_("3xW feedback without names"),
        required=False,
        help_text=_("Ticked, nobody can see who wrote which feedback after the session."),
    )

    def __init__(self, school: School, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(school=school)
        self.fields["invitees"].queryset = _people_of(school)
        self.fields["facilitator"].queryset = _people_of(school)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and not cleaned.get("invitees"):
            raise forms.ValidationError(_("Choose a group, or invite people yourself."))
        deadline, start = cleaned.get("preparation_deadline"), cleaned.get("starts_at")
        if cleaned.get("preparation") and not deadline:
            self.add_error("preparation_deadline", _("Say before when people should prepare."))
        if deadline and start and deadline > start:
            self.add_error(
                "preparation_deadline", _("The preparation deadline lies after the session starts.")
            )
        video = cleaned.get("video_link") or ""
        if video and not video.startswith(("https://", "http://")):
            self.add_error("video_link", _("Give a web address that starts with https://."))
        return cleaned


class MethodChoiceForm(forms.Form):
    method = forms.TypedChoiceField(label=_("Work form"), coerce=int)

    def __init__(self, methods, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m.pk, f"{m.name} ({m.total or 0} min)") for m in methods]


STARRT_FIELDS = (
    ("situation", _("Situation: when, where, who was involved?")),
    ("task", _("Task: what was your role, your goal, what was expected?")),
    ("action", _("Action: what did you do, and why?")),
    ("result", _("Result: what was the effect, how did others react?")),
    ("reflection", _("Reflection: how do you look back on it, what did you learn?")),
    ("transfer", _("Transfer: where else will you use this?")),
)


class PreparationForm(forms.Form):
    """The questions depend on the session: the work form's prompts, or STARR(T)."""

    shared = forms.BooleanField(
        label=_("Share my preparation with the session"),
        required=False,
        help_text=_("Unticked, nobody but you can read it — not the facilitator, not a leader."),
    )

    def __init__(self, questions: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        shared = self.fields.pop("shared")
        for key, label in questions:
            self.fields[f"q_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["shared"] = shared

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"q_{key}"].strip() for key, _label in self.questions}

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(f"q_{key}") or "").strip() for key, _label in self.questions):
            raise forms.ValidationError(_("Write an answer to at least one question."))
        return cleaned


class GroundRulesForm(forms.Form):
    rules = forms.CharField(
        label=_("Ground rules, one per line"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_rules(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["rules"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Keep at least one ground rule."))
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("A ground rule has at most 300 characters."))
        return lines


class HolidayForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("For example: Kerstvakantie")
    )
    first_day = DateField(label=_("First day"), widget=DateInput)
    last_day = DateField(label=_("Last day"), widget=DateInput)
    # The order of the days, the length and the name are checked by services.holiday_add.


class RetentionForm(forms.Form):
    years = forms.TypedChoiceField(
        label=_("Keep sessions for"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = [(n, ngettext("%(n)s year", "%(n)s years", n) % {"n": n}) for n in range(1, 21)]
        self.fields["years"].choices = [("", gettext("always (keep everything)")), *years]
