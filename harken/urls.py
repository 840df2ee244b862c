from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from harken.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("harken.web.urls")),
    path("", include("harken.inbox.urls")),
    path("", include("harken.features.urls")),
    path("", include("harken.customers.urls")),
    path("", include("harken.accounts.urls")),
    path("", include("harken.notify.urls")),
    path("", include("harken.integrations.urls")),
]
