from __future__ import annotations

from django.contrib import admin

from harken.inbox.models import Link, Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "source", "state", "company", "received_at")
    list_filter = ("state", "source", "confidential")
    search_fields = ("title",)
    raw_id_fields = ("person", "company", "submitter", "assignee", "processed_by")
    show_full_result_count = False  # counting a million rows on every page is not free


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("note", "feature", "importance", "created_at")
    raw_id_fields = ("note", "feature", "company", "created_by")
