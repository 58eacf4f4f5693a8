"""Sign-ins lock after too many wrong passwords, wrong API tokens lock their address, and the API limits
each client's request rate; every lock opens again once its window has passed.

The test settings switch throttling off (the rest of the suite sends far more requests than any
limit) and use a cache that stores nothing: each test here switches it on with a real cache, and
moves the limiter's clock instead of sleeping.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
WINDOW = 900
T0 = 1_000_000.0


class Clock:
    def __init__(self) -> None:
        self.time = T0

    def __call__(self) -> float:
        return self.time


@pytest.fixture
def clock(monkeypatch) -> Clock:
    from glassbox.accounts import throttle

    fake = Clock()
    monkeypatch.setattr(throttle, "now", fake)
    return fake


@pytest.fixture(autouse=True)
def throttling(settings, clock):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "throttling-tests"}}
    cache.clear()  # this file's own memory cache: counts left by the previous test
    settings.GLASSBOX_THROTTLE = True
    settings.GLASSBOX_LOGIN_FAILURES = 5
    settings.GLASSBOX_LOGIN_FAILURES_PER_ADDRESS = 12
    settings.GLASSBOX_TOKEN_FAILURES = 3
    settings.GLASSBOX_LOCKOUT_SECONDS = WINDOW
    settings.GLASSBOX_API_RATES = {"anon": None, "user": None}
    settings.GLASSBOX_NUM_PROXIES = 0


@pytest.fixture
def pat():
    return User.objects.create_user("pat", password=PASSWORD)


def sign_in(client: Client, username: str, password: str, url: str = "/accounts/login/"):
    """Post the sign-in form; return (signed in?, page text)."""
    response = client.post(url, {"username": username, "password": password})
    return "_auth_user_id" in client.session, response.content.decode()


def test_forty_wrong_passwords_lock_the_account_even_for_the_right_one(pat):
    client = Client()
    for _ in range(40):
        assert sign_in(client, "pat", "wrong")[0] is False
    signed_in, page = sign_in(client, "pat", PASSWORD)
    assert not signed_in
    assert "Too many failed sign-ins; try again in 15 minutes." in page


def test_the_lock_opens_when_the_oldest_of_the_failures_ages_out(pat, clock):
    client = Client()
    failed_at = []
    for step in range(5):
        clock.time = T0 + 10 * step
        failed_at.append(clock.time)
        signed_in, page = sign_in(client, "pat", "wrong")
        assert not signed_in and "Please enter a correct username and password" in page
    # Five failures within the window: the lock lasts until the first of them is WINDOW seconds old.
    opens_at = failed_at[0] + WINDOW
    clock.time = opens_at - 1
    signed_in, page = sign_in(client, "pat", PASSWORD)
    assert not signed_in and "Too many failed sign-ins; try again in 1 second." in page
    clock.time = opens_at + 0.5
    signed_in, _ = sign_in(client, "pat", PASSWORD)
    assert signed_in


def test_while_locked_the_password_is_not_checked_so_the_answer_tells_nothing(pat):
    client = Client()
    for _ in range(5):
        sign_in(client, "pat", "wrong")
    _, right = sign_in(client, "pat", PASSWORD)
    _, wrong = sign_in(client, "pat", "wrong again")
    assert "Too many failed sign-ins" in right and "Too many failed sign-ins" in wrong
    assert "Please enter a correct username" not in right + wrong


def test_a_lock_holds_one_account_from_one_address(pat):
    User.objects.create_user("sam", password=PASSWORD)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        sign_in(guesser, "pat", "wrong")
    assert sign_in(guesser, "pat", PASSWORD)[0] is False
    # The same address may still sign in to another account, and pat from another address.
    assert sign_in(Client(REMOTE_ADDR="203.0.113.7"), "sam", PASSWORD)[0] is True
    assert sign_in(Client(REMOTE_ADDR="198.51.100.4"), "pat", PASSWORD)[0] is True


def test_an_address_trying_many_accounts_is_locked_for_all_of_them(pat):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(12):  # GLASSBOX_LOGIN_FAILURES_PER_ADDRESS, each account under its own limit
        sign_in(client, f"user{n % 4}", "wrong")
    signed_in, page = sign_in(client, "pat", PASSWORD)
    assert not signed_in and "Too many failed sign-ins" in page


def test_a_successful_sign_in_clears_the_account_count(pat):
    client = Client()
    for _ in range(2):
        for _ in range(4):  # one short of the limit
            sign_in(client, "pat", "wrong")
        assert sign_in(client, "pat", PASSWORD)[0] is True
        client.logout()


def test_a_forged_forwarded_for_header_does_not_give_a_fresh_address(pat, settings):
    for n in range(5):
        sign_in(Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"), "pat", "wrong")
    assert sign_in(Client(HTTP_X_FORWARDED_FOR="10.0.0.99"), "pat", PASSWORD)[0] is False
    # Behind one trusted proxy the header's last address is the client's own.
    settings.GLASSBOX_NUM_PROXIES = 1
    assert sign_in(Client(HTTP_X_FORWARDED_FOR="10.0.0.99"), "pat", PASSWORD)[0] is True


def test_the_admin_sign_in_locks_too(clock):
    User.objects.create_user("ada", password=PASSWORD, is_staff=True)
    client = Client()
    for _ in range(5):
        assert sign_in(client, "ada", "wrong", "/admin/login/")[0] is False
    signed_in, page = sign_in(client, "ada", PASSWORD, "/admin/login/")
    assert not signed_in and "Too many failed sign-ins" in page
    clock.time = T0 + WINDOW + 1
    assert sign_in(client, "ada", PASSWORD, "/admin/login/")[0] is True


def test_with_throttling_off_the_right_password_works_after_any_number_of_wrong_ones(pat, settings):
    settings.GLASSBOX_THROTTLE = False
    client = Client()
    for _ in range(40):
        sign_in(client, "pat", "wrong")
    assert sign_in(client, "pat", PASSWORD)[0] is True


def api(token: str | None = None, address: str = "192.0.2.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_wrong_tokens_lock_their_address_until_the_window_passes(pat, clock):
    good = Token.objects.create(user=pat).key
    for n in range(3):  # GLASSBOX_TOKEN_FAILURES
        clock.time = T0 + n
        assert api(f"{n:040x}").get("/api/models/").status_code == 401
    # Locked: even the right token is refused, and is not looked up.
    response = api(good).get("/api/models/")
    assert response.status_code == 429
    opens_at = T0 + WINDOW  # the first wrong token ages out
    assert int(response["Retry-After"]) == opens_at - clock.time
    assert response.json()["detail"].startswith("Too many unknown or malformed tokens from this address.")
    # Other addresses, and this address without a token, are not locked.
    assert api(good, address="192.0.2.2").get("/api/models/").status_code == 200
    assert api().get("/api/models/").status_code == 200
    clock.time = opens_at + 1
    assert api(good).get("/api/models/").status_code == 200


def test_anonymous_requests_are_limited_per_address(settings, clock):
    settings.GLASSBOX_API_RATES = {"anon": "3/minute", "user": None}
    for n in range(3):
        assert api(address="192.0.2.1").get("/api/models/", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").status_code == 200
    refused = api(address="192.0.2.1").get("/api/models/", HTTP_X_FORWARDED_FOR="10.1.1.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 60
    assert api(address="192.0.2.2").get("/api/models/").status_code == 200
    clock.time = T0 + 61
    assert api(address="192.0.2.1").get("/api/models/").status_code == 200


def test_signed_in_requests_are_limited_per_user(settings, pat):
    settings.GLASSBOX_API_RATES = {"anon": "1/minute", "user": "4/minute"}
    sam = User.objects.create_user("sam")
    pats, sams = Token.objects.create(user=pat).key, Token.objects.create(user=sam).key
    # Past the anonymous rate: a user is counted as a user, on any address.
    statuses = [api(pats, address=f"192.0.2.{n}").get("/api/models/").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert api(sams).get("/api/models/").status_code == 200


@pytest.mark.integration
def test_the_lock_holds_with_the_production_cache_on_redis(pat, settings):
    import uuid

    from django.core.cache import caches

    # A prefix of its own instead of clearing: clear() would empty the whole Redis database.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/12", "KEY_PREFIX": uuid.uuid4().hex}}
    assert caches["default"].__class__.__name__ == "RedisCache"
    client = Client()
    for _ in range(5):
        sign_in(client, "pat", "wrong")
    signed_in, page = sign_in(client, "pat", PASSWORD)
    assert not signed_in and "Too many failed sign-ins" in page
