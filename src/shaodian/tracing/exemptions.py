"""Who is never put under home or contact quarantine, and why, as the apps above tracing know it.

Tracing confirms contacts and starts their monitoring by itself, but the fact that exempts a person lives higher
up: a supply driver on the white list (白名单) is supplies' record, and tracing may not import supplies. So the
app that keeps such a fact registers a source here at start-up (supplies in its AppConfig.ready), and whoever is
about to quarantine someone asks `quarantine_exemptions` first: tracing when a contact is confirmed, monitoring
when staff start a period by hand. A source reads its own table on every call, so a driver taken off the list
is treated as anyone else at once, with nothing to keep in step.
"""

from collections.abc import Callable, Iterable

from shaodian.tracing.models import Exemption

# resident ids -> (resident id, Exemption value) for those of them who are exempt
Source = Callable[[list[int]], Iterable[tuple[int, str]]]
_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or, under the same name, replace: ready() may run twice) a source of exemptions."""
    _SOURCES[name] = source


def quarantine_exemptions(resident_ids: Iterable[int]) -> dict[int, str]:
    """The exempt among these residents, each with its reason (an Exemption value); one query per source."""
    ids = sorted({int(pk) for pk in resident_ids if pk is not None})
    found: dict[int, str] = {}
    if not ids:
        return found
    for source in _SOURCES.values():
        for pk, reason in source(ids):
            found.setdefault(pk, Exemption(reason).value)
    return found
