"""The work-form library as a facilitator meets it for the first time: filter, open, copy,
remove a phase, change a timing, save, print the card. axe on every page on the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from samenspraak.methods.models import CardDeck, Method
from tests.browser.test_pages_axe import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_facilitator_filters_copies_adapts_and_prints(page: Page, facilitator, school, needs_pdf):
    log_in(page, facilitator)
    page.get_by_role("link", name="Werkvormen").click()
    expect(page.locator("h1")).to_have_text("Werkvormen")
    assert_accessible(page, "the library")

    page.get_by_label("Zoeken").fill("dilemma")
    page.get_by_label("Aantal mensen").fill("8")
    page.get_by_label("Hoogstens (minuten)").fill("60")
    page.get_by_role("button", name="Tonen").click()
    results = page.locator("#method-results")
    expect(results).to_contain_text("Dilemma")
    assert_accessible(page, "the filtered library")

    page.locator("#method-results a", has_text="Dilemmadialoog").first.click()
    expect(page.locator("table.flow")).to_be_visible()
    assert_accessible(page, "a work form page")
    page.get_by_role("button", name="Kopiëren en aanpassen").click()
    expect(page.locator("h1")).to_contain_text("eigen versie")
    assert_accessible(page, "the edit page of a copy")
    copy = Method.objects.get(school=school)
    phase_count = copy.copied_from.phases.count()

    # Remove the last phase with its button (no dragging anywhere).
    last = copy.phases.last()
    page.locator(f"#phase-{last.pk}").get_by_role("button", name=re.compile("^Verwijderen")).click()
    expect(page.locator(".message--success")).to_contain_text("verwijderd")
    assert copy.phases.count() == phase_count - 1

    # Change the timing of the first phase.
    first = copy.phases.first()
    page.locator(f"#phase-{first.pk}").get_by_role("link", name=re.compile("^Bewerken")).click()
    assert_accessible(page, "the phase form")
    page.get_by_label("Minuten").fill("0")
    page.get_by_role("button", name="Fase opslaan").click()
    expect(page.locator(".field-errors")).to_contain_text("tussen 1 en 240 minuten")
    assert_accessible(page, "the phase form with an error")
    page.get_by_label("Minuten").fill("7")
    page.get_by_role("button", name="Fase opslaan").click()
    expect(page.locator(".message--success")).to_contain_text("opgeslagen")
    first.refresh_from_db()
    assert first.minutes == 7

    # Move the (new) second phase up with the keyboard only.
    second = copy.phases.get(position=2)
    button = page.locator(f"#phase-{second.pk}").get_by_role("button", name=re.compile("^Omhoog"))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message--success")).to_contain_text("verplaatst")
    assert copy.phases.get(position=1) == second

    # The facilitator card: print view and PDF.
    page.get_by_role("link", name="Werkvorm bekijken").click()
    page.get_by_role("link", name="Kaart voor de gespreksleider").click()
    expect(page.locator(".facilitator-card h1")).to_contain_text("eigen versie")
    assert_accessible(page, "the facilitator card")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als pdf").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_decks_pages_are_accessible(page: Page, facilitator):
    log_in(page, facilitator)
    page.goto(reverse("methods:deck_list"))
    assert_accessible(page, "the decks page")
    deck = CardDeck.objects.filter(school__isnull=True).first()
    page.goto(reverse("methods:deck_detail", args=[deck.pk]))
    assert_accessible(page, "a built-in deck")
    page.goto(reverse("methods:deck_list"))
    page.get_by_label("Naam").fill("Onze kaarten")
    page.get_by_role("button", name="Set maken").click()
    expect(page.locator("h1")).to_contain_text("Onze kaarten")
    assert_accessible(page, "an own deck")
    page.get_by_role("link", name="Kaarten importeren uit een bestand").click()
    assert_accessible(page, "the card import page")


def test_library_in_english(page: Page, teacher):
    teacher.language = "en"
    teacher.save()
    log_in(page, teacher)
    page.goto(reverse("methods:method_list"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#method-results")).to_contain_text("Gossip method")
    assert_accessible(page, "the library in English")
