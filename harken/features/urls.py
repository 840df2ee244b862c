from __future__ import annotations

from django.urls import path

from harken.features import views, views_settings

urlpatterns = [
    path("features/", views.board, name="board"),
    path("features/new/", views.feature_new, name="feature_new"),
    path("features/<int:pk>/", views.feature_page, name="feature"),
    path("settings/areas/", views_settings.settings_areas, name="settings_areas"),
    path("settings/areas/<int:pk>/", views_settings.settings_area, name="settings_area"),
    path("settings/statuses/", views_settings.settings_statuses, name="settings_statuses"),
    path("settings/statuses/<int:pk>/", views_settings.settings_status, name="settings_status"),
    path(
        "settings/statuses/<int:pk>/move/",
        views_settings.settings_status_move,
        name="settings_status_move",
    ),
    path("settings/tags/", views_settings.settings_tags, name="settings_tags"),
    path("settings/tags/<int:pk>/", views_settings.settings_tag, name="settings_tag"),
    path(
        "settings/tags/<int:pk>/delete/",
        views_settings.settings_tag_delete,
        name="settings_tag_delete",
    ),
]
