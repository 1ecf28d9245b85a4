from django import template

from shaodian.security.object_types import object_type_label as _label

register = template.Library()


@register.filter
def object_type_label(code):
    return _label(str(code or ""))
