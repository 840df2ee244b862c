"""Admin settings for the product: the area tree, custom statuses and tags."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.accounts.views_util import add_action_error, first_error
from harken.features.access import access_area, access_status, access_tag
from harken.features.actions import (
    do_create_area,
    do_create_status,
    do_create_tag,
    do_delete_tag,
    do_move_status,
    do_rename_tag,
    do_update_area,
    do_update_status,
)
from harken.features.forms import AreaForm, StatusEditForm, StatusForm, TagForm
from harken.features.models import Status, StatusCategory, Tag
from harken.features.queries import area_feature_counts, area_tree
from harken.lib.errors import ActionError
from harken.web.decorators import staff_page

TAGS_PER_PAGE = 100


def _admin(request: HttpRequest, doing: str) -> User:
    return require_role(request.user, Role.ADMIN, doing)


def _sent_back(form: forms.Form, error: ActionError | None = None) -> str:
    """The message above a settings page whose form was refused."""
    if error is not None:
        add_action_error(form, error)
    return f"Nothing was changed. {first_error(form)}"


# Areas


def _areas_page(
    request: HttpRequest, form: AreaForm | None = None, error: str = ""
) -> HttpResponse:
    tree = area_tree()
    counts = area_feature_counts()
    return render(
        request,
        "features/settings_areas.html",
        {
            "nav": "settings",
            "tab": "areas",
            "rows": [(area, depth, counts.get(area.pk, 0)) for area, depth in tree],
            "parents": [(area, "\u2003" * depth + area.name) for area, depth in tree],
            "owners": list(
                User.objects.filter(is_active=True, role__in=[Role.MAKER, Role.ADMIN]).order_by(
                    "username"
                )
            ),
            "form": form or AreaForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def settings_areas(request: HttpRequest) -> HttpResponse:
    """The product -> area tree with owners; admins add areas here."""
    user = _admin(request, "manage product areas")
    if request.method == "GET":
        return _areas_page(request)
    form = AreaForm(request.POST)
    if not form.is_valid():
        return _areas_page(request, form, _sent_back(form))
    data = form.cleaned_data
    try:
        area = do_create_area(user, data["name"], data["parent"], data["owner"])
    except ActionError as error:
        return _areas_page(request, form, _sent_back(form, error))
    messages.success(request, f"Added the area {area.name}.")
    return redirect("settings_areas")


@staff_page
@require_POST
def settings_area(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request, "manage product areas")
    area = access_area(user, pk)
    form = AreaForm(request.POST)
    if not form.is_valid():
        return _areas_page(request, None, _sent_back(form))
    try:
        do_update_area(user, area, form.cleaned_data)
    except ActionError as error:
        return _areas_page(request, None, _sent_back(form, error))
    messages.success(request, f"Saved the area {area.name}.")
    return redirect("settings_areas")


# Statuses


def _statuses_page(
    request: HttpRequest, form: StatusForm | None = None, error: str = ""
) -> HttpResponse:
    statuses = list(Status.objects.annotate(used=Count("features")).order_by("position", "name"))
    return render(
        request,
        "features/settings_statuses.html",
        {
            "nav": "settings",
            "tab": "statuses",
            "statuses": statuses,
            "categories": StatusCategory.choices,
            "form": form or StatusForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def settings_statuses(request: HttpRequest) -> HttpResponse:
    """Custom feature statuses, each in one of the fixed categories the roadmap understands."""
    user = _admin(request, "manage statuses")
    if request.method == "GET":
        return _statuses_page(request)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _statuses_page(request, form, _sent_back(form))
    try:
        status = do_create_status(
            user, form.cleaned_data["name"], StatusCategory(form.cleaned_data["category"])
        )
    except ActionError as error:
        return _statuses_page(request, form, _sent_back(form, error))
    messages.success(request, f"Added the status {status.name}.")
    return redirect("settings_statuses")


@staff_page
@require_POST
def settings_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request, "manage statuses")
    status = access_status(user, pk)
    form = StatusEditForm(request.POST)
    if not form.is_valid():
        return _statuses_page(request, None, _sent_back(form))
    fields: dict[str, Any] = {
        "name": form.cleaned_data["name"],
        "category": form.cleaned_data["category"],
    }
    # An unticked box on the current default means "leave it", not "no default at all".
    if form.cleaned_data["is_default"]:
        fields["is_default"] = True
    try:
        do_update_status(user, status, fields)
    except ActionError as error:
        return _statuses_page(request, None, _sent_back(form, error))
    messages.success(request, f"Saved the status {status.name}.")
    return redirect("settings_statuses")


@staff_page
@require_POST
def settings_status_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request, "manage statuses")
    status = access_status(user, pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        raise ActionError("Move a status up or down.", field="direction")
    do_move_status(user, status, -1 if direction == "up" else 1)
    return redirect("settings_statuses")


# Tags


def _tags_page(request: HttpRequest, form: TagForm | None = None, error: str = "") -> HttpResponse:
    tags = Tag.objects.annotate(used=Count("notes")).order_by("name")
    page = Paginator(tags, TAGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "features/settings_tags.html",
        {
            "nav": "settings",
            "tab": "tags",
            "page": page,
            "tags": list(page.object_list),
            "form": form or TagForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def settings_tags(request: HttpRequest) -> HttpResponse:
    """Tags for notes: add, rename, delete."""
    user = _admin(request, "manage tags")
    if request.method == "GET":
        return _tags_page(request)
    form = TagForm(request.POST)
    if not form.is_valid():
        return _tags_page(request, form, _sent_back(form))
    try:
        tag = do_create_tag(user, form.cleaned_data["name"])
    except ActionError as error:
        return _tags_page(request, form, _sent_back(form, error))
    messages.success(request, f"Added the tag {tag.name}.")
    return redirect("settings_tags")


@staff_page
@require_POST
def settings_tag(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request, "manage tags")
    tag = access_tag(user, pk)
    form = TagForm(request.POST)
    if not form.is_valid():
        return _tags_page(request, None, _sent_back(form))
    try:
        do_rename_tag(user, tag, form.cleaned_data["name"])
    except ActionError as error:
        return _tags_page(request, None, _sent_back(form, error))
    messages.success(request, f"Renamed the tag to {tag.name}.")
    return redirect("settings_tags")


@staff_page
@require_POST
def settings_tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request, "manage tags")
    tag = access_tag(user, pk)
    name = tag.name
    do_delete_tag(user, tag)
    messages.success(request, f"Deleted the tag {name}.")
    return redirect("settings_tags")
