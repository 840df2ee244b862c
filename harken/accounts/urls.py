from __future__ import annotations

from django.urls import path

from harken.web.views import pending

urlpatterns = [
    path("settings/users/", pending, name="settings_users"),
    path("me/tokens/", pending, name="tokens"),
]
