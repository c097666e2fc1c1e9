"""Template helpers of the 话术库 pages: an answer with its placeholders marked."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from creditdesk.replies.placeholders import PLACEHOLDERS

register = template.Library()

_FIELD = re.compile(r"\{([^{}\s]{1,20})\}")


def _mark(match: re.Match[str]) -> str:
    name = match.group(1)
    css = "cd-ph" if name in PLACEHOLDERS else "cd-ph cd-ph-unknown"
    return f'<mark class="{css}">{{{name}}}</mark>'


@register.filter
def placeholders_marked(text: Any) -> SafeString:
    """``text`` escaped, its placeholders ({客户称呼} …) marked (an unknown one in red), line breaks kept."""
    escaped = escape(str(text or ""))
    marked = _FIELD.sub(_mark, escaped)
    return mark_safe(marked.replace("\n", "<br>"))  # noqa: S308 — built from escaped text only


@register.filter
def lines(text: Any) -> list[str]:
    """The non-blank lines of ``text`` (a script's wordings, its disclosures)."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]
