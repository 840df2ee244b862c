from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "harken.inbox"
    label = "inbox"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from harken.accounts.models import User
        from harken.features.models import Area, Tag
        from harken.inbox.choices import forget_choices

        # The inbox's filter choices list these; a process forgets its copy when it writes
        # one. (Tags created in bulk by tags_named forget it there: bulk_create sends none.)
        for model in (Area, Tag, User):
            post_save.connect(forget_choices, sender=model, dispatch_uid=f"choices-{model}")
            post_delete.connect(forget_choices, sender=model, dispatch_uid=f"choices-d-{model}")
