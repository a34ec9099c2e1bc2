"""Production settings: refused when unsafe, and Django's deployment check passes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-" + "x7Qz!" * 10,
    "DJANGO_ALLOWED_HOSTS": "observatoire.les-scop.coop",
    "DATABASE_URL": "sqlite:///db-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_asked():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, "
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.splitlines()[-1].split() == ["False", "True", "True", "True", "True"]


def test_a_secret_key_is_required_without_debug():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


@pytest.mark.django_db
def test_strict_content_security_policy_header(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "<style" not in text, template
        assert " style=" not in text and " onclick=" not in text, template
        for line in text.splitlines():
            if "<script" in line:
                assert "src=" in line, f"{template}: {line}"
