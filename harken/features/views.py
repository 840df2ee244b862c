"""The feature board, a feature's page with its evidence, and the new-feature form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harken.accounts.access import require_role, staff
from harken.accounts.models import Role
from harken.accounts.views_util import PAGE_SIZE, add_action_error, first_error
from harken.features.access import access_feature
from harken.features.actions import do_create_feature, do_update_feature
from harken.features.forms import FeatureDetailsForm, FeaturePlanForm, NewFeatureForm
from harken.features.models import Feature, Status, StatusCategory
from harken.features.queries import (
    SORTS,
    BoardFilters,
    area_feature_counts,
    area_tree,
    board_features,
    tree_totals,
)
from harken.inbox.queries import feature_links_page
from harken.lib.errors import ActionError
from harken.web.decorators import staff_page
from harken.web.params import bool_param, choice_param, int_param, querystring

SORT_LABELS = {"companies": "Companies", "votes": "Votes", "score": "Score", "recent": "Recent"}


def _filters(request: HttpRequest) -> BoardFilters:
    params = request.GET
    category = params.get("category", "").strip()
    if category and category not in StatusCategory.values:
        raise ActionError(
            f"Category must be one of: {', '.join(StatusCategory.values)}.", field="category"
        )
    return BoardFilters(
        area=int_param(params, "area"),
        status=int_param(params, "status"),
        category=category or None,
        q=params.get("q", "").strip()[:200],
        sort=choice_param(params, "sort", list(SORTS), "companies"),
        public=bool_param(params, "public"),
    )


@staff_page
@require_http_methods(["GET"])
def board(request: HttpRequest) -> HttpResponse:
    """Every feature, filtered and sorted, beside the area tree that narrows it."""
    user = staff(request.user)
    filters = _filters(request)
    paginator = Paginator(board_features(filters).select_related("parent"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    tree = area_tree()
    direct = area_feature_counts()
    totals = tree_totals(tree, direct)
    # Every area link keeps the other filters and differs only in its area: build it once.
    any_area_href = querystring(request.GET, area=None, page=None)
    area_href = f"{any_area_href}{'&' if any_area_href != '?' else ''}area="
    return render(
        request,
        "features/board.html",
        {
            "nav": "features",
            "page": page,
            "features": list(page.object_list),
            "filters": filters,
            "tree": [(area, depth, totals.get(area.pk, 0)) for area, depth in tree],
            "all_count": sum(direct.values()),
            "statuses": list(Status.objects.order_by("position", "name")),
            "categories": StatusCategory.choices,
            "sorts": SORT_LABELS,
            "can_create": user.has_role(Role.MAKER),
            "any_area_href": any_area_href,
            "area_href": area_href,
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def feature_new(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, Role.MAKER, "create features")
    # The board's "New feature" button passes the area being browsed.
    form = NewFeatureForm(request.POST or None, initial={"area": request.GET.get("area", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feature = do_create_feature(user, form.cleaned_data)
            except ActionError as error:
                add_action_error(form, error)
            else:
                messages.success(request, f"Created feature #{feature.pk}.")
                return redirect("feature", pk=feature.pk)
        status = 400
    return render(
        request,
        "features/feature_new.html",
        {"nav": "features", "form": form, "error": first_error(form) if status == 400 else ""},
        status=status,
    )


EDIT_PARTS: dict[str, type[forms.Form]] = {"plan": FeaturePlanForm, "details": FeatureDetailsForm}


@staff_page
@require_http_methods(["GET", "POST"])
def feature_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A feature with every note that asks for it; makers edit it here, others read."""
    user = staff(request.user)
    feature = access_feature(user, pk)
    bound: forms.Form | None = None
    if request.method == "POST":
        require_role(user, Role.MAKER, "edit features")
        part = request.POST.get("part", "")
        if part not in EDIT_PARTS:
            raise ActionError("Send either the plan or the details of the feature.", field="part")
        bound = EDIT_PARTS[part](request.POST)
        if bound.is_valid():
            try:
                do_update_feature(user, feature, bound.cleaned_data)
            except ActionError as error:
                add_action_error(bound, error)
            else:
                messages.success(request, "Saved.")
                return redirect("feature", pk=feature.pk)
        # Show the feature as stored: nothing of the refused change was applied.
        feature = access_feature(user, pk)
    return _render_feature(request, feature, bound)


def _render_feature(
    request: HttpRequest, feature: Feature, bound: forms.Form | None
) -> HttpResponse:
    user = staff(request.user)
    evidence = feature_links_page(user, feature, request.GET.get("cursor") or None)
    context: dict[str, Any] = {
        "nav": "features",
        "feature": feature,
        "subfeatures": list(feature.subfeatures.select_related("status").order_by("title")),
        "links": evidence.items,
        "next_cursor": evidence.next_cursor,
        "is_first_page": not request.GET.get("cursor"),
        "can_edit": user.has_role(Role.MAKER),
        "error": first_error(bound) if bound is not None else "",
    }
    if context["can_edit"]:
        plan = bound if isinstance(bound, FeaturePlanForm) else None
        details = bound if isinstance(bound, FeatureDetailsForm) else None
        context["plan_form"] = plan or FeaturePlanForm(initial=FeaturePlanForm.initial_for(feature))
        context["details_form"] = details or FeatureDetailsForm(
            initial=FeatureDetailsForm.initial_for(feature)
        )
        context["details_open"] = details is not None
    return render(
        request, "features/feature.html", context, status=400 if bound is not None else 200
    )
