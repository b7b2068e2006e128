"""The yardstick for bench/bench_http.py: a Flask app that does nothing, served by the same gunicorn.

It answers every path, GET or POST, reading an uploaded file if one is sent (as the self-check reads its workbook),
so the ratio of tenderscore's figures to these is what tenderscore itself costs, not the server, the network or
the client.
"""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def anything(path: str) -> str:
    size = sum(len(upload.read()) for upload in request.files.values())
    return f"ok {path} {size}\n"
