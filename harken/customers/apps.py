from __future__ import annotations

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "harken.customers"
    label = "customers"
