"""The URL fetcher: data: URLs and files in the assets folder, nothing else, and every request recorded."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tenderscore.reports import render_pdf
from tenderscore.reports.fetcher import ASSETS, AssetFetcher, FetchRecord, FetchRefused

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "logo.png").write_bytes(PIXEL)
    (tmp_path / "secret.txt").write_text("not for reports")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    return folder


def test_data_urls_are_served() -> None:
    fetcher = AssetFetcher()
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    assert fetcher.records == [FetchRecord("data:text/plain;base64,aGVsbG8=", True, "data: URL")]


def test_files_in_the_assets_folder_are_served(assets: Path) -> None:
    fetcher = AssetFetcher(assets)
    response = fetcher.fetch((assets / "logo.png").as_uri())
    assert response.read() == PIXEL
    assert response.content_type == "image/png"
    assert fetcher.refusals == ()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://evil.example/x.css",
        "https://evil.example/x.png",
        "ftp://evil.example/x",
        "javascript:alert(1)",
        "gopher://evil.example/",
        "file://evil.example/share/x.png",
        "FILE:///etc/passwd",
        "relative.png",
    ],
)
def test_everything_else_is_refused_and_recorded(url: str, assets: Path) -> None:
    fetcher = AssetFetcher(assets)
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert [r.allowed for r in fetcher.records] == [False]
    assert fetcher.records[0].url == url


def test_paths_escaping_the_folder_are_refused(assets: Path) -> None:
    fetcher = AssetFetcher(assets)
    for url in (
        assets.as_uri() + "/../secret.txt",
        assets.as_uri() + "/%2E%2E/secret.txt",
        (assets / "link.txt").as_uri(),  # a symbolic link pointing outside
        assets.as_uri() + "/missing.png",
        assets.as_uri() + "/logo.png?x=1",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refusals) == 5


def test_the_package_assets_folder_exists() -> None:
    assert ASSETS.is_dir() and ASSETS.name == "assets"


def test_a_render_records_what_it_was_refused_and_still_finishes() -> None:
    log: list[FetchRecord] = []
    html = (
        '<html lang="en-GB"><head><link rel="stylesheet" href="http://evil.example/x.css">'
        "<style>p { background: url(file:///etc/passwd) }</style></head>"
        '<body><p>Hello</p><img src="https://evil.example/p.png" alt=""><img src="data:image/png;base64,'
        + base64.b64encode(PIXEL).decode()
        + '" alt="pixel"></body></html>'
    )
    pdf = render_pdf(html, title="Fetch test", author="tenderscore", fetch_log=log)
    assert pdf.startswith(b"%PDF-")
    refused = {r.url for r in log if not r.allowed}
    assert refused == {"http://evil.example/x.css", "file:///etc/passwd", "https://evil.example/p.png"}
    assert [r.allowed for r in log if r.url.startswith("data:")] == [True]
