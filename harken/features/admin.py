from __future__ import annotations

from django.contrib import admin

from harken.features.models import Area, Feature, Release, Status, Tag


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "parent", "owner", "position")
    search_fields = ("name",)


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "category", "position", "is_default")


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "date", "released")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ("name",)


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "area", "status", "public", "company_count", "note_count", "score")
    list_filter = ("status", "public", "area")
    search_fields = ("title",)
    raw_id_fields = ("parent", "merged_into")
    readonly_fields = ("note_count", "company_count", "vote_count", "score")
