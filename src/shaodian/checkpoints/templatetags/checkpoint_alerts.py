"""{% open_scan_alerts user as n %}: how many scan alerts wait for the user (0 for roles that do not see them)."""

from django import template

from shaodian.checkpoints.selectors import alerts_open_for

register = template.Library()


@register.simple_tag
def open_scan_alerts(user) -> int:
    return alerts_open_for(user).count()
