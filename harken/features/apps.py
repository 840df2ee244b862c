from __future__ import annotations

from django.apps import AppConfig


class FeaturesConfig(AppConfig):
    name = "harken.features"
    label = "features"
