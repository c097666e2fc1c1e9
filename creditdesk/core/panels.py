"""The customer 360 page's panels, as a registry each app adds to (CONVENTIONS.md: a lower app never
names a higher one).

``customers`` renders the page; scoring, products, solutions, consents — and later marketing,
applications, loans, post-loan — each register the panel they own in their ``AppConfig.ready()``. A
panel is loaded by htmx from the owning app's URL (``url_name``, reversed with the customer's id), with a
plain link for browsers without JavaScript (``fallback_url_name``). An area that is not built yet is
registered by ``customers`` as a placeholder (no URL, a sentence instead); the app that builds it
registers the same ``key`` and replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class CustomerPanel:
    key: str  # also the panel's data-testid
    title: Text
    order: int  # position on the page, ascending
    url_name: str | None = None  # the htmx fragment, reversed with the customer's id
    fallback_url_name: str | None = None  # the page the panel links to without JavaScript
    fallback_label: Text = ""
    placeholder: Text = ""  # what an area not built yet says
    wide: bool = False  # spans the whole row


_PANELS: dict[str, CustomerPanel] = {}


def register_customer_panel(panel: CustomerPanel) -> None:
    """Add ``panel`` to the 360 page, replacing a registered panel (or placeholder) with the same key."""
    _PANELS[panel.key] = panel


def customer_panels() -> tuple[CustomerPanel, ...]:
    """Every registered panel in page order."""
    return tuple(sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key)))
