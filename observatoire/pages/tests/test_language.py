"""The interface is French unless the person chose English with the footer's switch."""

import pytest


@pytest.mark.django_db
def test_french_by_default_whatever_the_browser_says(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert "Sign in" in client.get("/").content.decode()
