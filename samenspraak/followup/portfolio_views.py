"""A group's portfolio (page and PDF) and "Mijn portfolio". Access and privacy rules are
in `portfolio.py`."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenspraak.followup import mydata, portfolio
from samenspraak.followup.report import pdf_document
from samenspraak.lib.forms import DateField
from samenspraak.schools.access import get_group_for
from samenspraak.schools.models import Group


class DateInput(forms.DateInput):
    input_type = "date"


class PortfolioFilterForm(forms.Form):
    ambition = forms.TypedChoiceField(
        label=gettext_lazy("Ambition"), required=False, coerce=int, empty_value=None
    )
    start = DateField(label=gettext_lazy("From"), required=False, widget=DateInput)
    end = DateField(label=gettext_lazy("Until"), required=False, widget=DateInput)

    def __init__(self, ambitions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ambitions = {a.pk: a for a in ambitions}
        self.fields["ambition"].choices = [("", _("All ambitions"))] + [
            (a.pk, a.title) for a in ambitions
        ]
        self.fields["ambition"].error_messages["invalid_choice"] = _(
            "Choose an ambition from the list."
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "ambition": self.ambitions.get(data.get("ambition")),
            "start": data.get("start"),
            "end": data.get("end"),
        }


def _group_context(request: HttpRequest, group: Group) -> tuple[dict, int]:
    member = portfolio.is_group_member(request.user, group)
    form = PortfolioFilterForm(
        list(portfolio.group_ambitions(group)),
        request.GET if any(k in request.GET for k in ("ambition", "start", "end")) else None,
    )
    invalid = form.is_bound and not form.is_valid()
    entries = portfolio.group_timeline(group, with_reflections=member, **form.filters())
    context = {
        "group": group,
        "form": form,
        "entries": entries,
        "member": member,
        "query": request.GET.urlencode() if form.is_bound and not invalid else "",
        "generated": timezone.now(),
    }
    return context, 400 if invalid else 200


@login_required
def group_portfolio(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    context, status = _group_context(request, group)
    return render(request, "followup/portfolio_group.html", context, status=status)


@login_required
def group_portfolio_pdf(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    context, status = _group_context(request, group)
    if status != 200:
        return render(request, "followup/portfolio_group.html", context, status=status)
    html = render_to_string("followup/portfolio_group_pdf.html", context, request=request)
    try:
        pdf = pdf_document(html).write_pdf()
    except OSError:  # Pango missing on this server
        messages.error(
            request, _("This server cannot make PDF files (the Pango library is missing).")
        )
        return redirect("reports:group_portfolio", group_id=group.pk)
    filename = f"portfolio-{slugify(group.name) or group.pk}-{timezone.localdate().isoformat()}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename + ".pdf")
    return response


@login_required
def my_portfolio(request: HttpRequest) -> HttpResponse:
    mine = portfolio.my_portfolio(request.user)
    return render(request, "followup/portfolio_mine.html", {"mine": mine})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything kept about the person, as a JSON file to keep (mydata.py)."""
    response = JsonResponse(
        mydata.personal_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    name = _("my-data")  # the file's name, in the person's language
    filename = f"samenspraak-{name}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


class DeleteMeForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
def delete_me(request: HttpRequest) -> HttpResponse:
    """Delete one's own account, after the password (mydata.delete_me says what stays)."""
    form = DeleteMeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mydata.delete_me(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("accounts:login")
    context = {"form": form, "only_admin_of": mydata.only_admin_of(request.user)}
    status = 400 if request.method == "POST" else 200
    return render(request, "followup/delete_me.html", context, status=status)
