"""Vietnamese first: the browser's Accept-Language does not switch the UI to English.

Many officers' browsers announce English; the product speaks Vietnamese unless the user picks
English in the language switcher (which sets Django's language cookie).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class IgnoreAcceptLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
