"""Customer documents as PDF (WeasyPrint): the proposal, drawn from its stored snapshot, and through
``render_document`` the loan contract and the repayment notice.

Chinese must print on a server with no CJK font installed: the PDF's stylesheet declares the vendored
Noto Sans SC (``static/vendor/fonts/``, OFL) by file URL, and WeasyPrint embeds the glyphs used. The
fetcher reads those font files and nothing else — the document never loads a URL named in customer data.
WeasyPrint is imported on first use (it takes a moment to load; most processes never print).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

FONTS = {400: "vendor/fonts/NotoSansSC-Regular.ttf", 700: "vendor/fonts/NotoSansSC-Bold.ttf"}
FAMILY = "CreditDesk Sans"


@cache
def font_paths() -> dict[int, Path]:
    """The vendored font files (found like static files: the source tree, else STATIC_ROOT)."""
    paths = {}
    for weight, name in FONTS.items():
        found = finders.find(name)
        path = Path(found if isinstance(found, str) else Path(settings.STATIC_ROOT) / name)
        if not path.is_file():
            raise FileNotFoundError(f"proposal font missing: {name}")
        paths[weight] = path.resolve()
    return paths


def font_css() -> str:
    faces = [
        f"@font-face {{ font-family: '{FAMILY}'; font-weight: {weight}; src: url('{path.as_uri()}'); }}"
        for weight, path in font_paths().items()
    ]
    return "\n".join(faces)


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    allowed = {path.as_uri() for path in font_paths().values()}

    class FontsOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.split("?")[0] not in allowed:
                raise ValueError(f"the proposal PDF loads only its fonts, not {url[:100]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols=["file"])


def render_html(content: dict[str, Any]) -> str:
    return _html("solutions/proposal_pdf.html", {"p": content})


def _html(template: str, context: dict[str, Any]) -> str:
    with translation.override("zh-hans"):
        return render_to_string(template, {**context, "font_family": FAMILY})


def render_pdf(content: dict[str, Any]) -> bytes:
    """The proposal's PDF bytes from its snapshot."""
    return render_document("solutions/proposal_pdf.html", {"p": content})


def render_document(template: str, context: dict[str, Any]) -> bytes:
    """A customer document (proposal, loan contract, repayment notice) as PDF bytes: ``template``
    rendered in Chinese with ``context``, printed with the vendored font and nothing else fetched."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher()
    font_config = FontConfiguration()
    fonts = CSS(string=font_css(), font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=_html(template, context), url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=[fonts], font_config=font_config)
    assert isinstance(pdf, bytes)
    return pdf
