from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samenspraak.lib.tests.test_tabular import damaged_workbooks
from samenspraak.methods import services
from samenspraak.methods.models import Card, CardDeck, Method


def results(client, **params) -> set[str]:
    response = client.get(reverse("methods:method_list"), params)
    assert response.status_code == 200
    return {m.slug for m in response.context["methods"]}


def test_filter_by_purpose_group_size_and_duration(client, teacher):
    client.force_login(teacher)
    explore = results(client, purpose="explore")
    assert explore and all(
        Method.objects.get(slug=s, school__isnull=True).purpose == "explore" for s in explore
    )
    eight = results(client, people=8)
    for slug in eight:
        method = Method.objects.get(slug=slug, school__isnull=True)
        assert method.min_people <= 8 <= method.max_people
    short = results(client, minutes=15)
    assert "check-in-round" in short and "incident-method" not in short


def test_search_by_text_in_either_language(client, teacher):
    client.force_login(teacher)
    assert "gossip-method" in results(client, q="roddel")
    assert "gossip-method" in results(client, q="gossip")


def test_a_facilitator_finds_a_dilemma_form_for_eight_people_in_an_hour(client, facilitator):
    client.force_login(facilitator)
    found = results(client, q="dilemma", people=8, minutes=60)
    assert "dilemma-dialogue" in found


def test_bad_filter_values_are_refused_with_a_message(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("methods:method_list"), {"people": "veel", "purpose": "x"})
    assert response.status_code == 400
    assert "geheel getal" in response.content.decode()


def test_htmx_filtering_returns_only_the_results(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("methods:method_list"), {"q": "check"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="method-results"' in html


def test_library_query_count_is_flat(client, teacher, django_assert_max_num_queries):
    client.force_login(teacher)
    with django_assert_max_num_queries(8):
        client.get(reverse("methods:method_list"))


def test_method_page_query_count_is_flat(client, teacher, django_assert_max_num_queries):
    client.force_login(teacher)
    method = Method.objects.builtin().get(slug="incident-method")
    with django_assert_max_num_queries(10):
        client.get(reverse("methods:method_detail", args=[method.pk]))


# --- Card decks ---------------------------------------------------------------------------


def test_facilitator_creates_a_deck_and_adds_a_card(client, facilitator, school):
    client.force_login(facilitator)
    response = client.post(
        reverse("methods:deck_list"), {"name": "Onze teamkaarten", "description": "Voor maandag."}
    )
    deck = CardDeck.objects.get(school=school)
    assert response.headers["Location"] == reverse("methods:deck_detail", args=[deck.pk])
    client.post(
        reverse("methods:deck_detail", args=[deck.pk]),
        {"theme": "Samenwerken", "text": "Wanneer voelde je je echt gesteund?", "kind": "question"},
    )
    assert deck.cards.get().text_nl == "Wanneer voelde je je echt gesteund?"


def test_teacher_cannot_create_a_deck(client, teacher, school):
    client.force_login(teacher)
    response = client.post(reverse("methods:deck_list"), {"name": "X"})
    assert response.status_code == 404
    assert not CardDeck.objects.filter(school=school).exists()


def test_builtin_decks_are_read_only(client, admin):
    deck = CardDeck.objects.filter(school__isnull=True).first()
    client.force_login(admin)
    before = deck.cards.count()
    response = client.post(
        reverse("methods:deck_detail", args=[deck.pk]),
        {"theme": "X", "text": "Y", "kind": "question"},
    )
    assert response.status_code == 404
    assert deck.cards.count() == before


def import_cards(client, deck, content: bytes, name="kaarten.csv"):
    return client.post(
        reverse("methods:deck_import", args=[deck.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def test_card_import_says_how_many_cards_it_added(client, facilitator, school):
    """In the user's language, singular for one card."""
    deck = services.deck_create(school=school, by=facilitator, name="Import", description="")
    client.force_login(facilitator)
    row = "Leren;Vraag {};vraag\n"
    for language, rows, said in (
        ("nl", 1, "Er is 1 kaart toegevoegd."),
        ("nl", 2, "Er zijn 2 kaarten toegevoegd."),
        ("en", 1, "1 card has been added."),
    ):
        facilitator.language = language
        facilitator.save()
        content = "thema;tekst;soort\n" + "".join(row.format(i) for i in range(rows))
        response = client.post(
            reverse("methods:deck_import", args=[deck.pk]),
            {"file": SimpleUploadedFile("kaarten.csv", content.encode())},
            follow=True,
        )
        assert [str(m) for m in response.context["messages"]] == [said]


def test_card_import_with_a_bad_row_adds_nothing_and_names_the_row(client, facilitator, school):
    deck = services.deck_create(school=school, by=facilitator, name="Import", description="")
    client.force_login(facilitator)
    content = (
        b"thema;tekst;soort\n"
        b"Leren;Wat heb je deze week geleerd van een leerling?;vraag\n"
        b"Leren;;vraag\n"
        b"Toetsen;Cijfers zeggen weinig over leren.;stelling\n"
        b"Toetsen;Iets;mening\n"
    )
    response = import_cards(client, deck, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Regel 3" in html and "Regel 5" in html and "mening" in html
    assert not deck.cards.exists()


def test_clean_card_import_adds_every_card(client, facilitator, school):
    deck = services.deck_create(school=school, by=facilitator, name="Import", description="")
    client.force_login(facilitator)
    content = (
        b"theme,text,kind\n"
        b"Leren,Wat heb je deze week geleerd van een leerling?,question\n"
        b"Toetsen,Cijfers zeggen weinig over leren.,statement\n"
    )
    assert import_cards(client, deck, content).status_code == 302
    assert list(deck.cards.values_list("kind", flat=True)) == ["question", "statement"]


def test_card_import_refuses_a_binary_file(client, facilitator, school):
    deck = services.deck_create(school=school, by=facilitator, name="Import", description="")
    client.force_login(facilitator)
    assert import_cards(client, deck, b"\x00\x01\x02" * 100).status_code == 400
    assert not Card.objects.filter(deck=deck).exists()


def test_card_import_refuses_a_workbook_damaged_inside(client, facilitator, school):
    deck = services.deck_create(school=school, by=facilitator, name="Import", description="")
    client.force_login(facilitator)
    for damage, content in damaged_workbooks().items():
        response = import_cards(client, deck, content, name="kaarten.xlsx")
        assert response.status_code == 400, damage
        assert "Excel-bestand" in response.content.decode(), damage
    assert not Card.objects.filter(deck=deck).exists()


def test_another_school_never_sees_a_schools_deck(client, outsider, facilitator, school):
    deck = services.deck_create(school=school, by=facilitator, name="Geheim", description="")
    client.force_login(outsider)
    assert client.get(reverse("methods:deck_detail", args=[deck.pk])).status_code == 404
    assert "Geheim" not in client.get(reverse("methods:deck_list")).content.decode()
