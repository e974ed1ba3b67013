import datetime

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.ratelimit import hit, parse_rate, ratelimit
from petitions.models import Petition
from tests.factories import filing_payload, make_petition_with_key


@pytest.mark.parametrize(("rate", "expected"), [("10/h", (10, 3600)), ("30/m", (30, 60)), ("5/15m", (5, 900))])
def test_rates_are_parsed(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["ten/h", "10/x", "10"])
def test_invalid_rates_are_refused(rate):
    with pytest.raises(ValueError):
        parse_rate(rate)


def test_the_counter_is_per_address_and_per_window(settings):
    settings.RATE_LIMITS = {"demo": "2/m"}
    with time_machine.travel(datetime.datetime(2026, 1, 1, 8, 0, 5, tzinfo=datetime.UTC), tick=False):
        assert hit("demo", "1.1.1.1")[0] and hit("demo", "1.1.1.1")[0]
        allowed, retry_after = hit("demo", "1.1.1.1")
        assert not allowed and retry_after == 55
        assert hit("demo", "2.2.2.2")[0]
    with time_machine.travel(datetime.datetime(2026, 1, 1, 8, 1, 1, tzinfo=datetime.UTC), tick=False):
        assert hit("demo", "1.1.1.1")[0]


def test_the_decorator_counts_only_the_given_methods(settings):
    settings.RATE_LIMITS = {"booking": "1/h"}
    view = ratelimit(key="booking")(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    assert view(factory.get("/dat-lich/")).status_code == 200
    assert view(factory.get("/dat-lich/")).status_code == 200
    assert view(factory.post("/dat-lich/")).status_code == 200
    refused = view(factory.post("/dat-lich/"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def filing(org):
    return filing_payload(org, phone="0912345678")


def test_public_filing_page_is_limited_with_a_clear_page(client, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_create": "2/h"}
    for _ in range(2):
        assert client.post(reverse("petitions:create"), filing(org)).status_code == 302
    client.cookies["django_language"] = "en"
    refused = client.post(reverse("petitions:create"), filing(org))
    assert refused.status_code == 429
    assert "Too many requests from your address" in refused.content.decode()
    assert Petition.objects.count() == 2
    # Another address is not affected.
    assert client.post(reverse("petitions:create"), filing(org), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_public_filing_api_is_limited_with_json(api, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_create": "1/h"}
    data = {**filing(org), "unit": org.commune.code}
    assert api.post(reverse("api-petition-create"), data, format="json").status_code == 201
    refused = api.post(reverse("api-petition-create"), data, format="json")
    assert refused.status_code == 429
    assert refused.json()["detail"]
    assert "Retry-After" in refused.headers


def test_tracking_page_and_api_are_limited(client, api, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "3/m"}
    petition, key = make_petition_with_key(org.commune)
    query = {"code": petition.tracking_code, "key": "WRONGKEY"}
    for _ in range(2):
        assert client.post(reverse("petitions:track"), query).status_code == 200
    assert api.post(reverse("api-petition-track"), query, format="json").status_code == 404
    # Page and API share the counter: guessing keys does not get twice the budget.
    assert client.post(reverse("petitions:track"), query).status_code == 429
    right = {"code": petition.tracking_code, "key": key}
    assert api.post(reverse("api-petition-track"), right, format="json").status_code == 429


@pytest.mark.parametrize("method", ["get", "head", "post", "options"])
def test_every_method_of_the_tracking_page_and_api_is_counted(client, org, settings, method):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "2/m"}
    for name in ("petitions:track", "api-petition-track"):
        for _ in range(2):
            assert getattr(client, method)(reverse(name), REMOTE_ADDR=f"10.1.0.{len(name)}").status_code != 429
        assert getattr(client, method)(reverse(name), REMOTE_ADDR=f"10.1.0.{len(name)}").status_code == 429


def test_head_tells_a_right_key_from_a_wrong_one_by_nothing(client, api, org):
    petition, key = make_petition_with_key(org.commune)
    for name in ("petitions:track", "api-petition-track"):
        right = client.head(reverse(name), {"code": petition.tracking_code, "key": key})
        wrong = client.head(reverse(name), {"code": petition.tracking_code, "key": "AAAAAAAA"})
        assert right.status_code == wrong.status_code
        assert right.get("Content-Length") == wrong.get("Content-Length")
        assert right.get("Location") == wrong.get("Location")


def test_a_key_in_the_address_is_never_used_and_is_dropped(client, org):
    petition, key = make_petition_with_key(org.commune)
    response = client.get(reverse("petitions:track"), {"code": petition.tracking_code, "key": key})
    assert response.status_code == 302
    assert key not in response["Location"] and petition.tracking_code in response["Location"]
    form_page = client.get(response["Location"])
    assert form_page.context["petition"] is None
    assert f'value="{petition.tracking_code}"' in form_page.content.decode()


def test_failed_attempts_are_counted_per_tracking_code_from_every_address(client, api, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "100/m", "track_code": "3/h"}
    petition, key = make_petition_with_key(org.commune)
    other, other_key = make_petition_with_key(org.commune)
    for n in range(3):
        wrong = {"code": petition.tracking_code.lower(), "key": f"WRONG{n}"}
        assert client.post(reverse("petitions:track"), wrong, REMOTE_ADDR=f"10.2.0.{n}").status_code == 200
    # The fourth guess, from yet another address and even with the right key, is refused.
    right = {"code": petition.tracking_code, "key": key}
    assert client.post(reverse("petitions:track"), right, REMOTE_ADDR="10.2.0.99").status_code == 429
    assert api.post(reverse("api-petition-track"), right, format="json", REMOTE_ADDR="10.2.0.98").status_code == 429
    # Other petitions are not affected; right answers are not counted as failures.
    for _ in range(4):
        ok = client.post(reverse("petitions:track"), {"code": other.tracking_code, "key": other_key})
        assert ok.context["petition"] == other


def test_token_endpoint_is_limited(api, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "2/m"}
    for _ in range(2):
        api.post(reverse("api-token"), {"username": "nobody", "password": "x"}, format="json")
    response = api.post(reverse("api-token"), {"username": "xuly", "password": "pass-1234"}, format="json")
    assert response.status_code == 429
