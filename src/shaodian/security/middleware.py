"""Headers on every answer (a strict Content-Security-Policy, no caching) and the audit context of each request."""

from django.utils.cache import add_never_cache_headers

from shaodian.security.audit import audit_context

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        return response


class NoStoreMiddleware:
    """Pages and API answers are never kept by a browser or proxy cache: most carry personal data.

    Placed after WhiteNoise, so static files (which never do) keep their long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class AuditContextMiddleware:
    """Each request's audit rows carry its client address and channel."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_context(ip=request.META.get("REMOTE_ADDR"), channel="web"):
            return self.get_response(request)
