from __future__ import annotations

from django.urls import path

from harken.inbox import views_feedback, views_inbox, views_note

urlpatterns = [
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/companies/", views_inbox.company_options, name="inbox_company_options"),
    path("inbox/feature-lookup/", views_note.feature_lookup, name="feature_lookup"),
    path("feedback/new/", views_feedback.feedback_new, name="feedback_new"),
    path("search/", views_inbox.search, name="search"),
    path("notes/<int:pk>/", views_note.note_page, name="note"),
    path("notes/<int:pk>/link/", views_note.note_link, name="note_link"),
    path("notes/<int:pk>/links/<int:link_pk>/unlink/", views_note.note_unlink, name="note_unlink"),
    path("notes/<int:pk>/assign/", views_note.note_assign, name="note_assign"),
    path("notes/<int:pk>/state/", views_note.note_state, name="note_state"),
    path("notes/<int:pk>/tags/", views_note.note_tags, name="note_tags"),
]
