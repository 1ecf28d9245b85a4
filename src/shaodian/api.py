"""The JSON API under /api/v1: bearer tokens for phones and devices, sessions for pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from shaodian.checkpoints.api import router as checkpoints
from shaodian.delivery.api import router as delivery
from shaodian.errors import FORBIDDEN, NOT_FOUND, Msg, NotFound, ServiceError, validation_messages
from shaodian.measures.api import public_router as public_measures, router as measures
from shaodian.monitoring.api import router as monitoring
from shaodian.people.api import router as people
from shaodian.places.api import router as places
from shaodian.schema_types import ApiError
from shaodian.screening.api import router as screening
from shaodian.security.api import router as security
from shaodian.security.audit import channel_set
from shaodian.security.models import ApiToken
from shaodian.supplies.api import router as supplies
from shaodian.tasks.api import router as tasks
from shaodian.tracing.api import router as tracing


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
        channel_set("api")
        return row.user


class Session(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            channel_set("api")
        return user


class UnsupportedMediaType(Exception):
    pass


class JsonOnly(Parser):
    """A body is JSON, said so: a form or text/plain post (a cross-site form can send one) is refused."""

    def parse_body(self, request):
        kind = request.content_type or ""
        if kind != "application/json" and not kind.endswith("+json"):
            raise UnsupportedMediaType(kind)
        return super().parse_body(request)


ERROR_ANSWERS = {
    400: "请求无效 / Bad request",
    401: "未登录或令牌无效 / Authentication required",
    403: "无权执行 / Forbidden for this role or account",
    404: "未找到，或不在管辖范围内 / Not found, or outside your jurisdiction",
    415: "请求体须为 application/json / The body must be application/json",
    422: "输入无效，逐项说明 / Invalid input, one item per field",
}


class ShaodianApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Every route documents its error answers with the one error body (clients and fuzzers rely on it)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ApiError.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        item = schema["components"]["schemas"]["ApiError"].pop("$defs", {})
        schema["components"]["schemas"].update(item)
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}
        for methods in schema["paths"].values():
            for op in methods.values():
                # 404 anywhere: an id in the path, the query or the body may be absent or outside the jurisdiction.
                codes = [400, 403, 404, 422]
                if op.get("security"):
                    codes.append(401)
                if "requestBody" in op:
                    codes.append(415)
                for code in codes:
                    op["responses"].setdefault(str(code), {"description": ERROR_ANSWERS[code], **ref})
        return schema


api = ShaodianApi(
    title="Shaodian 哨点 API",
    version="1",
    description="Grassroots emergency-governance platform. 基层社区应急治理平台接口。",
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    parser=JsonOnly(),
)


def _error(request, status: int, msg: Msg, detail=None):
    body = {"detail": detail if detail is not None else f"{msg.zh} / {msg.en}", "msg_zh": msg.zh, "msg_en": msg.en}
    return api.create_response(request, body, status=status)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return api.create_response(request, exc.as_api(), status=exc.status)


@api.exception_handler(NotFound)
def not_found(request, exc):
    return _error(request, 404, NOT_FOUND, detail=str(NOT_FOUND))


@api.exception_handler(Http404)
def http_not_found(request, exc):
    return _error(request, 404, NOT_FOUND, detail=str(NOT_FOUND))


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return _error(request, 403, FORBIDDEN)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    detail = [
        {"loc": [str(p) if not isinstance(p, int) else p for p in err.get("loc", [])], "msg": m.en,
         "msg_zh": m.zh, "msg_en": m.en, "type": m.code}
        for err, m in zip(exc.errors, validation_messages(exc.errors), strict=True)
    ]
    return api.create_response(request, {"detail": detail, "msg_zh": detail[0]["msg_zh"] if detail else "输入无效",
                                          "msg_en": detail[0]["msg_en"] if detail else "Invalid input"}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, Msg("请先登录", "Authentication required", "unauthenticated"))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return _error(request, 415, Msg("请求体须为 JSON（Content-Type: application/json）",
                                        "The body must be JSON (Content-Type: application/json)", "content_type"))
    if exc.status_code == 400:
        return _error(request, 400, Msg("请求体不是有效的 JSON", "The body is not valid JSON", "json_invalid"))
    return _error(request, exc.status_code, Msg("请求无效", str(exc) or "Invalid request", "http_error"))


def _register_routers():
    api.add_router("/auth", security)
    api.add_router("/", places)
    api.add_router("/", people)
    api.add_router("/", checkpoints)
    api.add_router("/", tracing)
    api.add_router("/", measures)
    api.add_router("/", public_measures)
    api.add_router("/", tasks)
    api.add_router("/", screening)
    api.add_router("/", monitoring)
    api.add_router("/", supplies)
    api.add_router("/", delivery)


_register_routers()
