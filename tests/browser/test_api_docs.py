"""/api/v1/docs in a real browser: Swagger UI renders every operation from our own static
files, under our CSP, and the page asks no other origin for anything."""

from urllib.parse import urlsplit

import pytest

from .conftest import DESKTOP

pytestmark = pytest.mark.browser


def test_the_api_docs_render_the_operations_from_our_own_origin(live_server, new_page, tmp_path):
    page = new_page(viewport=DESKTOP, locale="en-GB")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)

    assert response.status == 200
    assert "'self'" in response.headers["content-security-policy"]
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert len(paths) >= 8, paths
    for path in ["/api/v1/slots", "/api/v1/reservations", "/api/v1/reservations/{reference}"]:
        assert any(text.replace("\u200b", "").strip() == path for text in paths), paths
    assert page.locator(".authorize").count() == 1  # the bearer scheme is declared
    own = urlsplit(live_server.url).netloc
    foreign = [url for url in requested if urlsplit(url).netloc not in (own, "")]
    assert not foreign, foreign
    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url in requested)
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
