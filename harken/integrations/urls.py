from __future__ import annotations

from django.urls import path

from harken.integrations import views

urlpatterns = [
    path("import/", views.import_new, name="import_new"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
]
