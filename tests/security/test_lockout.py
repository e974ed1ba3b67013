from django.urls import reverse
from rest_framework.authtoken.models import Token


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, org):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "xuly", "password": "wrong"})
    assert response.status_code == 429
    client.cookies["django_language"] = "en"
    locked = client.post(reverse("login"), {"username": "xuly", "password": "pass-1234"})
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, org):
    for _ in range(4):
        client.post(reverse("login"), {"username": "xuly", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "xuly", "password": "pass-1234"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.handler.pk)


def test_the_token_endpoint_respects_the_lockout(api, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "100/m"}
    for _ in range(5):
        api.post(reverse("api-token"), {"username": "xuly", "password": "wrong"}, format="json")
    response = api.post(reverse("api-token"), {"username": "xuly", "password": "pass-1234"}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert not Token.objects.exists()


def test_failures_on_the_api_count_towards_the_login_page_lockout(api, client, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "100/m"}
    for _ in range(5):
        api.post(reverse("api-token"), {"username": "xuly", "password": "wrong"}, format="json")
    assert client.post(reverse("login"), {"username": "xuly", "password": "pass-1234"}).status_code == 429


def test_the_lockout_is_per_user_and_address_pair(client, org):
    """Finding 5: five failures for one user from one address lock that pair only."""
    for _ in range(5):
        client.post(reverse("login"), {"username": "xuly", "password": "wrong"}, REMOTE_ADDR="10.3.0.1")
    locked = client.post(reverse("login"), {"username": "xuly", "password": "pass-1234"}, REMOTE_ADDR="10.3.0.1")
    assert locked.status_code == 429
    # The same user from another address still logs in.
    elsewhere = client.post(reverse("login"), {"username": "xuly", "password": "pass-1234"}, REMOTE_ADDR="10.3.0.2")
    assert elsewhere.status_code == 302
    client.logout()
    # Another user behind the same address (one NAT) is not locked.
    colleague = client.post(reverse("login"), {"username": "chutich", "password": "pass-1234"}, REMOTE_ADDR="10.3.0.1")
    assert colleague.status_code == 302


def test_a_slower_per_user_throttle_stops_guessing_from_many_addresses(client, api, org, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_user": "8/h", "api_token": "100/m"}
    for n in range(8):  # two failures each from four addresses: no pair is locked
        client.post(reverse("login"), {"username": "xuly", "password": "wrong"}, REMOTE_ADDR=f"10.4.0.{n // 2}")
    client.cookies["django_language"] = "en"
    refused = client.post(reverse("login"), {"username": "XuLy", "password": "pass-1234"}, REMOTE_ADDR="10.4.0.50")
    assert refused.status_code == 429
    assert "for this account" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    token = api.post(
        reverse("api-token"), {"username": "xuly", "password": "pass-1234"}, format="json", REMOTE_ADDR="10.4.0.51"
    )
    assert token.status_code == 429 and token.json()["detail"]
    # Other users are not throttled.
    assert client.post(reverse("login"), {"username": "chutich", "password": "pass-1234"}).status_code == 302
