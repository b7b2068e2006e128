"""The error page and the home page: plain titles and a way on; the favicon, cached for a long time."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms


def _title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found
    return found.group(1)


def test_page_not_found_signed_out_says_so_and_offers_sign_in(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _title(html).startswith("Page not found")
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "If you typed the web address, check it is correct." in html
    assert "The requested URL" not in html  # werkzeug's own words are not shown
    assert '<a class="govuk-link" href="/sign-in">Sign in</a>' in html
    assert "Go to your dashboard" not in html


def test_signed_in_an_error_offers_the_dashboard(demo: Flask) -> None:
    client = demo.test_client()
    forms.sign_in(client, "officer@demo.tenderscore.test", DEMO_PASSWORD)
    response = client.get("/tenders/999999")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _title(html).startswith("Page not found")
    assert ">Go to your dashboard</a>" in html
    assert ">Sign in</a>" not in html.split('id="main-content"')[1]


def test_a_server_error_is_a_plain_apology_without_a_trace(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-page")
    def boom_page() -> str:
        raise RuntimeError("secret internals /etc/passwd")

    response = app.test_client().get("/boom-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert _title(html).startswith("Sorry, there is a problem with the service")
    assert "Traceback" not in html and "secret internals" not in html and "RuntimeError" not in html
    assert ">Sign in</a>" in html


def test_home_page_has_a_plain_title_and_a_way_in(client: FlaskClient, demo: Flask) -> None:
    html = client.get("/").get_data(as_text=True)
    assert _title(html).startswith("Score tenders and enforce social value")
    assert 'href="/sign-in" role="button"' in html and "Sign in" in html
    signed_in = demo.test_client()
    forms.sign_in(signed_in, "commissioner@demo.tenderscore.test", DEMO_PASSWORD)
    assert signed_in.get("/").headers["Location"].endswith("/dashboard")  # signed in, the dashboard is the way on


def test_favicon_is_served_with_a_long_cache_and_linked_from_every_page(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response.cache_control.max_age is not None and response.cache_control.max_age >= 30 * 24 * 3600
    assert response.cache_control.public
    response.close()
    html = client.get("/").get_data(as_text=True)
    head = html.split("</head>")[0]
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in head
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in head
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    svg.close()
