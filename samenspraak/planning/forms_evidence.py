"""Forms for adding evidence and choosing a chart. They check the shape of the input; the
content of a file is judged by samenspraak.planning.evidence."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samenspraak.planning.charts import MAX_SERIES
from samenspraak.planning.evidence import (
    DOCUMENT_EXTENSIONS,
    MAX_TITLE_LENGTH,
    MAX_URL_LENGTH,
    TABLE_SUFFIXES,
)


def _title_field() -> forms.CharField:
    return forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_LENGTH,
        required=False,
        help_text=_("Leave it empty to use the file name."),
    )


class _UploadForm(forms.Form):
    """A title and one file. `too_large` comes from the upload handler, which drops a file
    over the request limit before it is stored (samenspraak.lib.uploads)."""

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        if self.too_large:
            raise ValidationError(
                gettext("The file is larger than %(max)d MB and has not been saved.")
                % {"max": settings.SAMENSPRAAK_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        upload = self.cleaned_data.get("file")
        if upload is None:
            raise ValidationError(gettext("Choose a file."))
        return upload


class DocumentForm(_UploadForm):
    title = _title_field()
    file = forms.FileField(
        label=_("Document"),
        required=False,  # clean_file says which is missing: the file, or room for it
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, an image (PNG, JPEG, GIF, WebP) "
            "or plain text; at most 20 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ",".join(DOCUMENT_EXTENSIONS)}),
    )


class TableForm(_UploadForm):
    title = _title_field()
    file = forms.FileField(
        label=_("Data table"),
        required=False,
        help_text=_(
            "CSV or Excel (.xlsx, the first sheet). The first row names the columns; at most "
            "2,000 rows and 40 columns (5 MB)."
        ),
        widget=forms.FileInput(attrs={"accept": ",".join(TABLE_SUFFIXES)}),
    )


class LinkForm(forms.Form):
    url = forms.URLField(
        label=_("Web address"),
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address that starts with https:// or http://.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_LENGTH,
        required=False,
        help_text=_("Leave it empty to use the address."),
    )


class ChartForm(forms.Form):
    label_column = forms.ChoiceField(label=_("Bars named by"))
    value_columns = forms.MultipleChoiceField(
        label=_("Bar lengths from (1 to 4 columns with numbers)"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a column with numbers only."),
        },
    )

    def __init__(self, columns: list[str], numeric: list[bool], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label_column"].choices = [(c, c) for c in columns]
        self.fields["value_columns"].choices = [
            (c, c) for c, is_number in zip(columns, numeric, strict=True) if is_number
        ]

    def clean_value_columns(self):
        chosen = self.cleaned_data["value_columns"]
        if len(chosen) > MAX_SERIES:
            raise ValidationError(gettext("Choose at most %(max)d columns.") % {"max": MAX_SERIES})
        return chosen
