"""HTML to PDF with WeasyPrint, in one font that has every Vietnamese glyph.

A Times-like font without every Vietnamese glyph would make Pango mix fonts inside a word;
DejaVu Serif (Debian's fonts-dejavu-core) has them all.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PDF_FONT = 'body { font-family: "DejaVu Serif", serif; font-size: 12pt; }'


def render_pdf(template: str, context: dict, *, css: tuple[str, ...] = (), base_url: str = "/") -> bytes:
    """Render a template to PDF bytes; `css` names static files applied before the font rule."""
    from weasyprint import CSS, HTML  # heavy import, only where a PDF is made

    html = render_to_string(template, {**context, "for_pdf": True})
    stylesheets = [CSS(filename=finders.find(name)) for name in css] + [CSS(string=PDF_FONT)]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
