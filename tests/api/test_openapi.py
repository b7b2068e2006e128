"""The OpenAPI document is valid and complete, and the interactive page loads only our own files."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

NOT_IN_THE_DOCUMENT = {"/api/openapi.json", "/api/docs"}


def _document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document: dict[str, Any] = response.json
    return document


def _api_routes(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in NOT_IN_THE_DOCUMENT:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes |= {(path, method.lower()) for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}
    return routes


def test_the_document_is_valid_openapi(client: FlaskClient) -> None:
    document = _document(client)
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_api_route_is_in_the_document_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    document = _document(client)
    documented = {
        (path, method) for path, item in document["paths"].items() for method in item if method != "parameters"
    }
    routes = _api_routes(app)
    assert len(routes) >= 28
    assert documented == routes


def test_every_operation_needs_a_bearer_token_and_says_what_it_answers(client: FlaskClient) -> None:
    document = _document(client)
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearer": []}]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            successes = [code for code in operation["responses"] if code.startswith("2")]
            assert successes, (method, path)
            if method in ("post", "put", "patch") and "requestBody" in operation:
                assert "422" in operation["responses"], (method, path)


def test_the_docs_page_loads_only_local_scripts_and_styles(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page) + re.findall(r'<link[^>]*\shref="([^"]+)"', page)
    assert len(sources) >= 3
    for source in sources:
        assert source.startswith(("/static/", "/vendor/")), source
        with client.get(source) as fetched:  # a static file's response holds the file open until closed
            assert fetched.status_code == 200 and fetched.data, source
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'data-spec-url="/api/openapi.json"' in page
