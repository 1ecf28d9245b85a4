"""The JSON API under /api/v1: bearer tokens for phones and devices, sessions for pages."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from shaodian.errors import NOT_FOUND, NotFound, ServiceError
from shaodian.security.models import ApiToken


class BearerToken(HttpBearer):
    def __call__(self, request):
        raw = ApiToken.from_header(request.headers.get(self.header))
        return self.authenticate(request, raw) if raw else None

    def authenticate(self, request, token):
        try:
            row = ApiToken.objects.select_related("user__node").get(key_hash=ApiToken.digest(token), revoked=False)
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if row.expires_at <= now or not row.user.is_active:
            return None
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.audit_channel = "api"
        return row.user


class Session(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.audit_channel = "api"
        return user


api = NinjaAPI(
    title="Shaodian 哨点 API",
    version="1",
    description="Grassroots emergency-governance platform. 基层社区应急治理平台接口。",
    auth=[BearerToken(), Session()],
    urls_namespace="api",
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return api.create_response(request, exc.as_api(), status=exc.status)


@api.exception_handler(NotFound)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": str(NOT_FOUND), "msg_zh": NOT_FOUND.zh, "msg_en": NOT_FOUND.en}, status=404
    )


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    detail = []
    for err in exc.errors:
        msg_en = err.get("msg", "Invalid value")
        detail.append(
            {
                "loc": list(err.get("loc", [])),
                "msg": msg_en,
                "msg_zh": "格式不正确：" + ".".join(str(p) for p in err.get("loc", [])[1:]),
                "msg_en": msg_en,
                "type": err.get("type", "invalid"),
            }
        )
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "请先登录 / Authentication required", "msg_zh": "请先登录", "msg_en": "Authentication required"},
        status=401,
    )


def _register_routers():
    from shaodian.checkpoints.api import router as checkpoints
    from shaodian.measures.api import public_router as public_measures
    from shaodian.measures.api import router as measures
    from shaodian.people.api import router as people
    from shaodian.places.api import router as places
    from shaodian.security.api import router as security
    from shaodian.tracing.api import router as tracing

    api.add_router("/auth", security)
    api.add_router("/", places)
    api.add_router("/", people)
    api.add_router("/", checkpoints)
    api.add_router("/", tracing)
    api.add_router("/", measures)
    api.add_router("/", public_measures)


_register_routers()
