"""The one service worker of the pages that work without network (web/sw.js), served at each page's own address.

The address tells the script which page it keeps, in which cache: /checkpoints/sw.js the guard page,
/screening/sw.js the field page, /delivery/sw.js a delivery round. Phones registered the older copies at these
same addresses, so an update takes over where they were.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse

SCRIPT = "web/sw.js"


def _script() -> str:
    with open(finders.find(SCRIPT), encoding="utf-8") as fh:
        return fh.read()


def service_worker(request, *, scope: str):
    """The worker script, allowed to control the pages under the path `scope`."""
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"  # the browser checks for a new version on each visit
    return response
