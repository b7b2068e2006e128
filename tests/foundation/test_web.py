"""The web shell: health check, home page, errors as JSON under /api/ and as pages elsewhere, no stack traces."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tenderscore import create_app
from tenderscore.db import get_engine


def test_healthz_reports_a_reachable_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json is not None and response.json["database_reachable"] is True


def test_healthz_reports_an_unreachable_database(tmp_path: object) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none",
        },
        instance_path=str(tmp_path),
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable", "database": "postgresql", "database_reachable": False, "down": ["database"],
    }  # fmt: skip
    get_engine(app).dispose()


def test_home_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en-GB"' in page
    assert "Score tenders and enforce social value" in page


def test_not_found_is_json_under_api(client: FlaskClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.json is not None
    assert response.json["status"] == 404 and response.json["title"] == "Not Found"


def test_not_found_is_a_page_elsewhere(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not Found" in response.get_data(as_text=True)


def test_unexpected_errors_never_show_a_stack_trace(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/boom")
    def boom() -> str:
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/boom")
    def boom_page() -> str:
        raise RuntimeError("secret internals /etc/passwd")

    client = app.test_client()
    for path in ("/api/boom", "/boom"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Traceback" not in body and "secret internals" not in body and "RuntimeError" not in body
        assert "Something went wrong on our side" in body
