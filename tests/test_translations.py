"""The Vietnamese UI shows no English: the catalogue is complete, and sample pages (public, staff,
admin) rendered in Vietnamese contain none of the catalogue's English source strings verbatim."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from deadlines.models import DeadlineRule
from tests.factories import make_petition

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# English strings of Django's own admin that must not show in Vietnamese (their vi catalogue covers them).
ADMIN_ENGLISH = [
    "Site administration",
    "Please correct the error",
    "Save and add another",
    "Save and continue editing",
    "Recent actions",
    "Select all",
    "Log out",
    "View site",
    "Change password",
]


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')].encode("raw_unicode_escape").decode("unicode_escape")


def parse_catalogue(path: Path = CATALOGUE) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgstr, fuzzy (a small parser; plural forms skipped)."""
    entries, entry, key = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"fuzzy": False, "msgctxt": None}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            key = line.split(" ", 1)[0]
            key = "msgstr" if key.startswith("msgstr[") and "msgstr" not in entry else key
            if key.startswith("msgstr[") or key == "msgid_plural":
                key = None  # the plural's other forms; the first msgstr[0] is kept as msgstr
                continue
            entry[key] = _unquote(line)
        elif line.startswith('"') and key:
            entry[key] += _unquote(line)
    return entries


def test_catalogue_has_no_empty_or_fuzzy_entries():
    entries = [e for e in parse_catalogue() if e["msgid"]]  # the header has an empty msgid
    assert len(entries) > 500
    assert [e["msgid"] for e in entries if not e.get("msgstr")] == []
    assert [e["msgid"] for e in entries if e["fuzzy"]] == []


def _english_phrases() -> list[str]:
    """Source strings of two words or more whose translation differs, without placeholders or markup."""
    phrases = set()
    for e in parse_catalogue():
        msgid, msgstr = e["msgid"], e.get("msgstr", "")
        if not msgid or msgid == msgstr or re.search(r"[%{<\n]", msgid):
            continue
        if len(msgid.split()) < 2 or not re.search(r"[a-z]", msgid):
            continue
        phrases.add(msgid)
    return sorted(phrases, key=len, reverse=True)


def _visible_text(content: str) -> str:
    content = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", content)
    # Attribute values a user sees or hears: labels, titles, placeholders.
    spoken = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', content))
    text = re.sub(r"(?s)<[^>]+>", " ", content) + " " + spoken
    return re.sub(r"\s+", " ", html.unescape(text))


def _untranslated(content: str, phrases: list[str]) -> list[str]:
    text = _visible_text(content)
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


@pytest.fixture
def vi_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


def _pages(org, petition) -> dict[str, list[str]]:
    rule = DeadlineRule.objects.get(code="complaint.first_resolution")
    return {
        "public": [
            reverse("home"),
            reverse("petitions:create"),
            reverse("petitions:track"),
            reverse("reception:calendar"),
            reverse("deadlines:calculator"),
            reverse("deadlines:calculator") + f"?rule={rule.code}&start={datetime.date.today():%d/%m/%Y}",
            reverse("oversight:public_statistics"),
        ],
        "staff": [
            reverse("petitions:list"),
            reverse("petitions:list") + "?ordering=-received_on",
            reverse("petitions:detail", args=[petition.pk]),
            reverse("reception:sessions"),
            reverse("reception:book"),
            reverse("reception:quotas"),
            reverse("dialogues:list"),
            reverse("notifications"),
        ],
        "admin": [
            reverse("admin:index"),
            reverse("admin:core_notification_changelist"),
            reverse("admin:deadlines_deadlinerule_changelist"),
            reverse("admin:deadlines_deadlinerule_change", args=[rule.pk]),
            reverse("admin:petitions_petition_changelist"),
            reverse("admin:reception_receptionsession_changelist"),
        ],
    }


@pytest.mark.django_db
def test_vietnamese_pages_show_no_english_source_string(vi_client, org):
    petition = make_petition(org.commune)
    phrases = _english_phrases()
    assert "Citizen reception portal" in phrases
    pages = _pages(org, petition)
    found = {}
    for group, urls in pages.items():
        vi_client.logout()
        if group == "staff":
            vi_client.force_login(org.head)
        elif group == "admin":
            org.head.is_staff = org.head.is_superuser = True
            org.head.save(update_fields=["is_staff", "is_superuser"])
            vi_client.force_login(org.head)
        for url in urls:
            response = vi_client.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert 'lang="vi"' in content, url
            bad = _untranslated(content, phrases)
            if group == "admin":
                bad += [p for p in ADMIN_ENGLISH if p in _visible_text(content)]
            if bad:
                found[url] = bad
    assert found == {}


@pytest.mark.django_db
def test_admin_change_form_errors_and_names_are_vietnamese(vi_client, org):
    org.head.is_staff = org.head.is_superuser = True
    org.head.save(update_fields=["is_staff", "is_superuser"])
    vi_client.force_login(org.head)
    index = _visible_text(vi_client.get(reverse("admin:index")).content.decode())
    assert "Quản trị" in index
    for app_name in ("Thời hạn theo luật", "Tiếp công dân", "Giám sát", "Đơn"):
        assert app_name in index
    response = vi_client.post(reverse("admin:deadlines_deadlinerule_add"), {"code": "", "name": ""})
    text = _visible_text(response.content.decode())
    assert "Please correct" not in text
    assert "Vui lòng sửa" in text or "Hãy sửa" in text


@pytest.mark.django_db
def test_calculator_shows_the_legal_basis_in_vietnamese(vi_client, org):
    rule = DeadlineRule.objects.get(code="complaint.acceptance")
    assert rule.basis == "Điều 27 Luật Khiếu nại"
    assert not DeadlineRule.objects.filter(basis__contains="Law on").exists()
    url = reverse("deadlines:calculator") + f"?rule={rule.code}&start=02/03/2026"
    text = _visible_text(vi_client.get(url).content.decode())
    assert "Điều 27 Luật Khiếu nại" in text
    # Citizens see the rules' names, never their codes (in the list of rules or in the result).
    assert rule.name in text
    assert not [code for code in DeadlineRule.objects.values_list("code", flat=True) if code in text]


@pytest.mark.django_db
def test_sort_labels_are_translated_in_each_language(org):
    from django.utils import translation

    from petitions.filters import PetitionFilter

    def labels(language):
        with translation.override(language):
            return [str(label) for _, label in PetitionFilter(user=org.head).filters["ordering"].extra["choices"]]

    assert "Ngày nhận (giảm dần)" in labels("vi") or any("(giảm dần)" in label for label in labels("vi"))
    assert not [label for label in labels("vi") if "descending" in label]
    assert any("(descending)" in label for label in labels("en"))


def test_session_holiday_and_finding_kinds_are_not_labelled_as_petition_kinds():
    from django.utils import translation

    from deadlines.models import CalendarException
    from oversight.models import Finding
    from petitions.models import Petition
    from reception.models import ReceptionSession

    def label(model):
        return str(model._meta.get_field("kind").verbose_name)

    with translation.override("vi"):
        assert label(Petition) == "loại đơn"
        assert label(ReceptionSession) == "loại buổi tiếp"
        assert label(CalendarException) == "loại ngày"
        assert label(Finding) == "loại kết luận"
