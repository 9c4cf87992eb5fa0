import pytest


@pytest.mark.parametrize("url", ["/", "/trauung/", "/api/v1/venues", "/wohngeld/"])
def test_every_response_carries_the_security_headers(client, db, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_staff_pages_are_not_cached(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
