"""schema.org data (構造化データ) in a page, safe whatever text it carries."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As Django's json_script: a description holding "</script>" must not end the element early.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(value: Any) -> SafeString:
    """A ``<script type="application/ld+json">`` element for search engines.

    Django's ``json_script`` cannot set this type; the escaping is the same. A data block is never
    executed, so the Content-Security-Policy needs no nonce for it.
    """
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    # Safe to mark: with every "<", ">" and "&" written as a JSON escape, no text can close the element
    # ("</script" in any case), open a comment ("<!--") or form an entity; the JSON still decodes to
    # the same text (tests/portal/test_content_security.py).
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))
