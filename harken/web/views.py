from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    return redirect("inbox")


def pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """Scaffolding while the foundation is built; every use is replaced before release."""
    return HttpResponse("Not built yet.", status=404)
