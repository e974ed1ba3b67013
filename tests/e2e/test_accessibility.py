"""Accessibility, layout and CSP in a real browser: axe-core (vendored from the npm package
axe-core, tests/e2e/vendor/axe.min.js) finds no serious or critical violation on the public pages
and the staff overview, on a 390 px phone and on a desktop; no page scrolls sideways; the console
shows no Content-Security-Policy error; the citizen's menu fits at 1280 px."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Kind
from reception.models import ReceptionSession, SessionKind

from ..factories import UserFactory, make_petition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# A title without a single space: it must wrap, not widen the page.
UNBROKEN = "Khiếu-nại-về-quyết-định-thu-hồi-đất" * 40


def _public_urls() -> list[str]:
    return [
        reverse("home"),
        reverse("petitions:create"),
        reverse("petitions:track"),
        reverse("reception:calendar"),
        reverse("deadlines:calculator"),
        reverse("oversight:public_statistics"),
    ]


def _serious_violations(page) -> list[str]:
    page.evaluate(AXE)  # evaluated by the test, not a page script: the CSP does not apply
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return result


def _horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _check(page, url, problems, csp_errors, label):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for violation in _serious_violations(page):
        problems.append(f"{label} {url}: {violation}")
    if (overflow := _horizontal_overflow(page)) > 1:
        problems.append(f"{label} {url}: page is {overflow}px wider than the window")
    if page.evaluate("document.documentElement.lang") != "vi":
        problems.append(f"{label} {url}: lang is not vi")
    problems.extend(f"{label} {url}: {e}" for e in csp_errors)
    csp_errors.clear()


@pytest.fixture
def watched_page(page):
    """The page, and a list collecting its console errors about the Content-Security-Policy."""
    errors = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    return page, errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_public_pages_and_staff_overview_pass_axe(watched_page, live_server, org, login, viewport):
    page, csp_errors = watched_page
    page.set_viewport_size(VIEWPORTS[viewport])
    today = timezone.localdate()
    ReceptionSession.objects.create(
        unit=org.commune,
        date=today + datetime.timedelta(days=3),
        start_time=datetime.time(8),
        end_time=datetime.time(11),
        place="Trụ sở tiếp công dân " + UNBROKEN[:170],
        kind=SessionKind.AD_HOC,
        capacity=5,
    )
    petition = make_petition(org.commune, kind=Kind.COMPLAINT)
    petition.title = UNBROKEN[:200]
    petition.save(update_fields=["title"])

    problems = []
    for path in _public_urls():
        _check(page, live_server.url + path, problems, csp_errors, viewport)

    # The calculator with a result (the legal basis, the skipped days).
    page.goto(live_server.url + reverse("deadlines:calculator"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    for violation in _serious_violations(page):
        problems.append(f"{viewport} calculator result: {violation}")

    login("chutich")
    for path in (
        reverse("oversight:overview"),
        reverse("petitions:list"),
        reverse("petitions:detail", args=[petition.pk]),
    ):
        _check(page, live_server.url + path, problems, csp_errors, viewport)
    assert problems == [], "\n".join(problems)


def test_citizen_menu_fits_at_1280(watched_page, live_server, org, login):
    page, _ = watched_page
    page.set_viewport_size(VIEWPORTS["desktop"])
    UserFactory(username="congdan", full_name="Nguyễn Thị Phương Thảo Hoàng Minh Châu")
    login("congdan")
    page.goto(live_server.url + reverse("home"))
    nav = page.locator("nav.navbar")
    assert _horizontal_overflow(page) <= 1
    overflow = page.evaluate(
        """() => { const c = document.querySelector('nav.navbar .container');
                   return c.scrollWidth - c.clientWidth; }"""
    )
    assert overflow <= 1
    # Every menu entry is on screen, on a single row of the expanded navbar.
    for link in nav.locator("a.nav-link, button").all():
        if link.is_visible():
            box = link.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= VIEWPORTS["desktop"]["width"]
