from __future__ import annotations

from django.urls import path

from harken.web.views import pending

urlpatterns = [
    path("inbox/", pending, name="inbox"),
    path("feedback/new/", pending, name="feedback_new"),
    path("search/", pending, name="search"),
]
