"""Form fields shared by the apps."""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_KEY_DIGITS = 18  # a 64-bit integer key has at most 19 digits; ours stay far below
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # the years a school plans in


def is_key(text) -> bool:
    """Whether `text` writes a database key: ASCII digits, no more than fit. (`isdigit`
    alone also says yes to "²" and "①", which `int` refuses, and to 5,000 digits, which
    it refuses too.)"""
    text = str(text)
    return text.isascii() and text.isdigit() and len(text) <= MAX_KEY_DIGITS


def check_day(day: date) -> None:
    """Refuse a day outside the years a school plans in. Python's dates end at the years
    1 and 9999, so a day near either end overflows when a session's end, a cadence, a
    reminder or a filter's next day is counted from it (a 500, not a message)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Choose a date in the years %(first)d to %(last)d."),
            code="out_of_range",
            params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )


def check_moment(moment: datetime) -> None:
    """`check_day` for the day of a date and time."""
    check_day(moment.date())


class DateField(forms.DateField):
    """Django's field, limited to the years a school plans in (`check_day`)."""

    default_validators = [check_day]


class DateTimeField(forms.DateTimeField):
    """Django's field, limited to the years a school plans in (`check_day`)."""

    default_validators = [check_moment]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a forged key is refused before it reaches the database: an
    `__in` lookup with a 30-digit number overflows SQLite's integer (a 500) instead of
    simply matching nobody. The message is Django's own "not a valid value"."""

    def _check_values(self, value):
        for key in value:
            text = str(key)
            if not is_key(text):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super()._check_values(value)
