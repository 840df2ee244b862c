from __future__ import annotations

from django.urls import path

from harken.customers import views

urlpatterns = [
    path("companies/", views.companies, name="companies"),
    path("companies/new/", views.company_new, name="company_new"),
    path("companies/<int:pk>/", views.company_page, name="company"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/domains/", views.company_add_domain, name="company_add_domain"),
]
