"""HTML to PDF with WeasyPrint, in one font that has every Vietnamese glyph.

A Times-like font without every Vietnamese glyph would make Pango mix fonts inside a word;
DejaVu Serif (Debian's fonts-dejavu-core) has them all. Used by the dialogue minutes and the
filing receipt.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def pdf_font(selector: str = "body") -> str:
    return f'{selector} {{ font-family: "DejaVu Serif", serif; font-size: 12pt; }}'


def render_pdf(
    template: str,
    context: dict,
    *,
    css: tuple[str, ...] = (),
    font_selector: str = "body",
    request=None,
    base_url: str = "/",
) -> bytes:
    """Render a template to PDF bytes; `css` names static files, applied before the font rule."""
    from weasyprint import CSS, HTML  # a heavy import, made only where a PDF is produced

    html = render_to_string(template, {**context, "for_pdf": True}, request=request)
    stylesheets = [CSS(filename=finders.find(name)) for name in css] + [CSS(string=pdf_font(font_selector))]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
