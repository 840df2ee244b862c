from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Deployment(models.TextChoices):
    SAAS = "saas", "SaaS"
    SELF_MANAGED = "self_managed", "Self-managed"


class Company(models.Model):
    name = models.CharField(max_length=200)
    # Primary web domain, lower-case; further domains live in CompanyDomain. Email addresses at
    # any of them resolve to this company.
    domain = models.CharField(max_length=253, unique=True, null=True, blank=True)
    arr = models.PositiveBigIntegerField("ARR", default=0, help_text="Annual recurring revenue")
    plan = models.CharField(max_length=64, blank=True)
    deployment = models.CharField(
        max_length=16, choices=Deployment.choices, default=Deployment.SAAS
    )
    segments = models.JSONField(default=list, blank=True)
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    crm_url = models.URLField(max_length=500, blank=True)
    advisory_board = models.BooleanField(default=False)
    custom_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [
            models.Index(Lower("name"), name="company_name_lower"),
            models.Index(fields=["-arr"], name="company_arr"),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyDomain(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="extra_domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.domain


class Person(models.Model):
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email
