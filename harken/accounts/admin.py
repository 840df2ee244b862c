from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from harken.accounts.models import ApiToken, User


@admin.register(User)
class HarkenUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Harken", {"fields": ("role",)}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "scope", "prefix", "created_at", "last_used_at")
    list_filter = ("scope",)
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
