"""Login security: django-axes locks out repeated failures; production settings pass ``check --deploy``."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from icsmap.client_ip import client_ip

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", password=PASSWORD)


def log_in(client, password, **extra):
    return client.post(LOGIN, {"username": "root", "password": password, "next": "/admin/"}, **extra)


def test_a_right_password_logs_in(client, admin_user):
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(admin_user.pk)
    assert client.get("/admin/").status_code == 200


def test_after_five_failures_even_the_right_password_is_refused(client, admin_user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        assert log_in(client, "wrong password").status_code in (200, 429)

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page
    # Another address is not locked out with it (username and address together).
    assert log_in(client, PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302


def test_a_success_below_the_limit_starts_the_count_again(client, admin_user):
    for _ in range(4):
        log_in(client, "wrong password")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "wrong password")
    assert log_in(client, PASSWORD).status_code == 302


def test_force_login_is_untouched_by_the_lockout(client, admin_user):
    for _ in range(6):
        log_in(client, "wrong password")
    client.force_login(admin_user)  # what the other tests use: no authentication backend involved
    assert client.get("/admin/").status_code == 200


def test_weak_passwords_are_refused():
    for weak in ("short1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password(PASSWORD)


def test_the_client_address_behind_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # no proxy trusted: the header could be forged
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the address our one proxy saw, not what the client wrote
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"  # fewer hops than proxies: not through them


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "icsmap.example",
    }
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
