"""Known devices: a login lockout that an attacker cannot turn against the account's owner.

Lockout policy (django-axes): wrong passwords from clients the account has never logged in from
count against the username as a whole — five, from any address, lock it for every such client, so
guessing cannot be spread across addresses. A device where the user has logged in before carries
a signed cookie naming it; its attempts are counted on their own (username + that device), so an
attacker's failures never lock the owner out of their usual phone or desk, and a stolen device
still gets only five tries. Locking by username + IP instead let anyone behind the same office NAT
lock a colleague out, and let an attacker with many addresses guess without limit.
"""

import secrets

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

COOKIE = "shaodian_device"
SALT = "shaodian.security.device"
MAX_AGE = 180 * 24 * 3600


def _user_tag(username: str) -> str:
    # The cookie names the account by a keyed hash: no username in the clear.
    return salted_hmac(SALT, (username or "").lower()).hexdigest()[:16]


def remember_device(request, response, username: str) -> None:
    """After a good login: keep (or issue) this device's id in a signed, long-lived cookie."""
    device = device_of(request, username) or secrets.token_urlsafe(12)
    response.set_cookie(COOKIE, signing.dumps({"u": _user_tag(username), "d": device}, salt=SALT),
                        max_age=MAX_AGE, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def device_of(request, username: str | None) -> str | None:
    """The id of this device if the user has logged in from it before, else None."""
    raw = request.COOKIES.get(COOKIE) if request is not None else None
    if not raw or not username:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return data.get("d") if data.get("u") == _user_tag(username) else None


def _username(request, credentials) -> str | None:
    return (credentials or {}).get("username") or (request.POST.get("username") if request is not None else None)


def lockout_parameters(request, credentials=None):
    """AXES_LOCKOUT_PARAMETERS: a known device by its own attempts, everyone else by the username."""
    if device_of(request, _username(request, credentials)):
        return [["username", "user_agent"]]
    return ["username"]


class DeviceAwareHandler(AxesDatabaseHandler):
    """Records a known device's attempts under its id (in axes' user-agent column) instead of its browser name."""

    @staticmethod
    def _mark(request, credentials):
        device = device_of(request, _username(request, credentials))
        if device and hasattr(request, "axes_user_agent"):
            request.axes_user_agent = f"device:{device}"

    def filter_user_attempts(self, request, credentials=None):
        self._mark(request, credentials)
        return super().filter_user_attempts(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None:
            self._mark(request, credentials)
        return super().user_login_failed(sender, credentials, request, **kwargs)
