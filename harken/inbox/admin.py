from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import models
from django.http import HttpRequest

from harken.inbox.models import Link, Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "source", "state", "company", "received_at")
    list_filter = ("state", "source", "confidential")
    search_fields = ("title",)
    raw_id_fields = ("person", "company", "submitter", "assignee", "processed_by")
    show_full_result_count = False  # counting a million rows on every page is not free

    def formfield_for_manytomany(
        self,
        db_field: models.ManyToManyField[Any, Any],
        request: HttpRequest,
        **kwargs: Any,
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        # The admin leaves out a many-to-many with a table of its own (NoteTag) in case it
        # has columns to fill; it has none, and the form's save sets the tags as it would.
        if db_field.name == "tags":
            kwargs.setdefault("widget", FilteredSelectMultiple("tags", is_stacked=False))
            field = db_field.formfield(**kwargs)
            assert isinstance(field, forms.ModelMultipleChoiceField)
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("note", "feature", "importance", "created_at")
    raw_id_fields = ("note", "feature", "company", "created_by")
