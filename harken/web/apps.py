from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    name = "harken.web"
    label = "web"

    def ready(self) -> None:
        from harken.lib.search import ensure_search_indexes

        # post_migrate is only sent for apps with models; the inbox app runs after features.
        post_migrate.connect(ensure_search_indexes, sender=apps.get_app_config("inbox"))
