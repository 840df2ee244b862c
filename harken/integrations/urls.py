from __future__ import annotations

from django.urls import path

from harken.web.views import pending

urlpatterns = [
    path("import/", pending, name="import_new"),
]
