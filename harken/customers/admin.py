from __future__ import annotations

from django.contrib import admin

from harken.customers.models import Company, CompanyDomain, Person


class DomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CompanyDomain
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "domain", "arr", "plan", "deployment")
    search_fields = ("name", "domain")
    list_filter = ("plan", "deployment", "advisory_board")
    autocomplete_fields = ("account_owner", "csm")
    inlines = [DomainInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("email", "name", "company")
    search_fields = ("email", "name")
    autocomplete_fields = ("company",)
