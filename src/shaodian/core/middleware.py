"""Pages answer a refusal the way the API does: `NotFound` is the 404 page, a 403 `ServiceError` the 403 page.

Views and selectors raise; no view catches `NotFound` only to render the same page again.
"""

from django.shortcuts import render

from shaodian.errors import NotFound, ServiceError


def error_page(request, code: int, detail: list[str] | None = None):
    """The one error page; absent and outside the jurisdiction look the same, on purpose."""
    return render(request, "web/error.html", {"code": code, "detail": detail or []}, status=code)


class RefusalPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return error_page(request, 404)
        if isinstance(exception, ServiceError) and exception.status == 403:
            detail = [str(m) for msgs in exception.errors.values() for m in msgs if m.code != "forbidden"]
            return error_page(request, 403, detail)
        return None
