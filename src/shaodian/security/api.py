from django.contrib.auth import authenticate
from django.http import HttpResponse
from ninja import Router, Schema, Status

from shaodian.errors import ServiceError
from shaodian.schema_types import ApiError, Text
from shaodian.security.devices import remember_device
from shaodian.security.models import ApiToken

router = Router(tags=["auth"])


class TokenIn(Schema):
    # Refused here, before authentication: the lockout table never stores an oversized name.
    username: Text(150, min_length=1)
    password: Text(1024, min_length=1)
    name: Text(64) = ""


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post("/token", auth=None, response={200: TokenOut, 401: ApiError, 403: ApiError})
def token_create(request, payload: TokenIn, response: HttpResponse):
    """Exchange a username and password for a bearer token (locked out after repeated failures)."""
    from axes.handlers.proxy import AxesProxyHandler

    credentials = {"username": payload.username}
    if AxesProxyHandler.is_locked(request, credentials):
        return Status(403, {
            "detail": "登录失败次数过多，账号已暂时锁定 / Too many failed logins; locked for a while",
            "msg_zh": "登录失败次数过多，账号已暂时锁定，请稍后再试",
            "msg_en": "Too many failed logins; the account is locked for a while",
        })
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        return Status(401, {
            "detail": "用户名或密码错误 / Wrong username or password",
            "msg_zh": "用户名或密码错误",
            "msg_en": "Wrong username or password",
        })
    if user.node_id is None and not user.is_superuser:
        raise ServiceError.one("username", "该账号未分配管辖范围", "This account has no jurisdiction", status=403)
    token, raw = ApiToken.issue(user, name=payload.name)
    remember_device(request, response, user.get_username())
    return Status(200, {"token": raw, "expires_at": token.expires_at.isoformat()})


@router.delete("/token", response={204: None, 400: ApiError})
def token_revoke(request):
    """Revoke the bearer token this request carries (a lost phone, a shift that ended)."""
    raw = ApiToken.from_header(request.headers.get("Authorization"))
    if raw is None:
        return Status(400, {"detail": "只能注销令牌登录 / Only a bearer token can be revoked",
                            "msg_zh": "只能注销令牌登录", "msg_en": "Only a bearer token can be revoked"})
    ApiToken.objects.filter(key_hash=ApiToken.digest(raw), user=request.user).update(revoked=True)
    return Status(204, None)
