"""Redis (cache and broker) stopped while citizens file and track: nothing lost, no 5xx."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from petitions.models import Petition
from tests.factories import make_petition_with_key
from tests.security.test_ratelimit import filing

pytestmark = pytest.mark.django_db


def test_filing_tracking_and_tokens_work_with_redis_stopped(client, api, org, private_redis, caplog):
    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the private Redis is really in use
    petition, key = make_petition_with_key(org.commune)
    private_redis.stop()

    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        page = client.post(reverse("petitions:create"), filing(org))
        assert page.status_code == 302
        assert client.get(page["Location"]).status_code == 200
        api_filing = api.post(reverse("api-petition-create"), {**filing(org), "unit": org.commune.code}, format="json")
        assert api_filing.status_code == 201
        tracked = client.post(reverse("petitions:track"), {"code": petition.tracking_code, "key": key})
        assert tracked.status_code == 200 and tracked.context["petition"] == petition
        token = api.post(reverse("api-token"), {"username": "xuly", "password": "pass-1234"}, format="json")
        assert token.status_code == 200
    # Every filing was saved, with what the citizen typed.
    assert Petition.objects.filter(title=filing(org)["title"]).count() == 2
    assert "counting per process" in caplog.text


def test_the_limit_still_holds_per_process_while_redis_is_down(client, org, private_redis, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_create": "2/h"}
    private_redis.stop()
    for _ in range(2):
        assert client.post(reverse("petitions:create"), filing(org)).status_code == 302
    assert client.post(reverse("petitions:create"), filing(org)).status_code == 429
    assert Petition.objects.count() == 2


def test_counting_goes_back_to_redis_when_it_returns(client, org, private_redis, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": "100/m"}
    private_redis.stop()
    client.post(reverse("petitions:track"), {"code": "AAAA-AAAA-AA", "key": "X"})
    private_redis.start()
    client.post(reverse("petitions:track"), {"code": "AAAA-AAAA-AA", "key": "X"})
    assert any(k.startswith(b":1:rl:") for k in cache._cache.get_client().keys("*"))
