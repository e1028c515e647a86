"""Form fields shared by the apps."""

from django import forms

MAX_KEY_DIGITS = 18  # a 64-bit integer key has at most 19 digits; ours stay far below


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a forged key is refused before it reaches the database: an
    `__in` lookup with a 30-digit number overflows SQLite's integer (a 500) instead of
    simply matching nobody. The message is Django's own "not a valid value"."""

    def _check_values(self, value):
        for key in value:
            text = str(key)
            if not text.isdigit() or len(text) > MAX_KEY_DIGITS:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super()._check_values(value)
