from __future__ import annotations

from django.urls import path

from harken.accounts import views

urlpatterns = [
    path("settings/users/", views.settings_users, name="settings_users"),
    path("settings/users/<int:pk>/role/", views.settings_user_role, name="settings_user_role"),
    path(
        "settings/users/<int:pk>/active/", views.settings_user_active, name="settings_user_active"
    ),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
