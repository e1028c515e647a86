from django.urls import path

from samenspraak.methods import views

app_name = "methods"

urlpatterns = [
    path("methods/", views.method_list, name="method_list"),
    path("methods/<id:method_id>/", views.method_detail, name="method_detail"),
    path("methods/<id:method_id>/card/", views.method_card, name="method_card"),
    path("methods/<id:method_id>/card.pdf", views.method_card_pdf, name="method_card_pdf"),
    path("methods/<id:method_id>/copy/", views.method_copy, name="method_copy"),
    path("methods/<id:method_id>/edit/", views.method_edit, name="method_edit"),
    path("methods/<id:method_id>/delete/", views.method_delete, name="method_delete"),
    path("methods/<id:method_id>/phases/add/", views.phase_add, name="phase_add"),
    path("methods/<id:method_id>/phases/<id:phase_id>/", views.phase_edit, name="phase_edit"),
    path("methods/<id:method_id>/phases/<id:phase_id>/move/", views.phase_move, name="phase_move"),
    path(
        "methods/<id:method_id>/phases/<id:phase_id>/delete/",
        views.phase_delete,
        name="phase_delete",
    ),
    path("decks/", views.deck_list, name="deck_list"),
    path("decks/<id:deck_id>/", views.deck_detail, name="deck_detail"),
    path("decks/<id:deck_id>/import/", views.deck_import, name="deck_import"),
    path("decks/<id:deck_id>/cards/<id:card_id>/delete/", views.card_delete, name="card_delete"),
]
