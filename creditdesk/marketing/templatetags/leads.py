"""Template helpers of the marketing pages: the pipeline's labels (written once, in the pure
``pipeline`` core, marked for translation there) shown translated."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def label(member: Any) -> str:
    """A ``pipeline.LeadStage`` or ``pipeline.Requirement`` as the page shows it: its label, translated."""
    return gettext(getattr(member, "label", str(member)))
