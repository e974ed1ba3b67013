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


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_head_records_a_conclusion_on_a_clean_form(watched_page, live_server, org, login, viewport):
    """The radio options sit apart from the textarea and the button; the head chooses, writes, records."""
    from reception import services as reception_services
    from reception.models import HeadConclusion
    from reception.services import VisitorData

    page, csp_errors = watched_page
    page.set_viewport_size(VIEWPORTS[viewport])
    session = ReceptionSession.objects.create(
        unit=org.commune,
        date=timezone.localdate(),
        start_time=datetime.time(0, 1),
        end_time=datetime.time(0, 2),
        place="Trụ sở tiếp công dân phường",
        kind=SessionKind.AD_HOC,
        capacity=5,
    )
    reception_services.session_record_holder(session=session, actor=org.reception, held_by=org.head)
    visit = reception_services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=VisitorData(full_name="Vi Thị Bảo", id_number="001085011111", address="7 Lý Thường Kiệt"),
        content="Đề nghị xem xét việc cấp phép xây dựng " + UNBROKEN[:300],
        session=session,
    )

    login("chutich")
    page.goto(live_server.url + reverse("reception:conclusion", args=[visit.pk]))
    form = page.locator("form[data-testid=conclusion-form]")
    radios = form.locator("input[name=direction]")
    assert radios.count() >= 3
    textarea, button = form.locator("#id_text").bounding_box(), form.locator("button[type=submit]").bounding_box()

    def overlaps(a, b):
        return not (
            a["x"] + a["width"] <= b["x"]
            or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"]
            or b["y"] + b["height"] <= a["y"]
        )

    boxes = [radios.nth(i).bounding_box() for i in range(radios.count())]
    labels = [form.locator(f"label[for={radios.nth(i).get_attribute('id')}]").bounding_box() for i in range(len(boxes))]
    for box in boxes + labels:
        assert not overlaps(box, textarea)
        assert not overlaps(box, button)
        assert box["y"] + box["height"] <= textarea["y"]
    # Each option has its own line: no two radios overlap either.
    assert all(not overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert _horizontal_overflow(page) <= 1
    assert _serious_violations(page) == []

    # Choosing by the label's text (a radio under the textarea could not be clicked there).
    form.locator(f"label[for={radios.first.get_attribute('id')}]").click()
    assert radios.first.is_checked()
    page.fill("#id_text", "Giao Phòng Kinh tế kiểm tra hồ sơ, trả lời bằng văn bản trong 10 ngày làm việc.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Giao Phòng Kinh tế" in page.get_by_test_id("conclusion").inner_text()
    conclusion = HeadConclusion.objects.get(visit=visit)
    assert conclusion.concluded_by == org.head
    assert csp_errors == []
