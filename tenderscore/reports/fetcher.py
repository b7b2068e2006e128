"""The only way a report reaches beyond its own HTML: ``data:`` URLs and files inside the package's assets folder.

Everything else is refused before any I/O happens: ``http(s):``, ``ftp:``, ``file:`` outside the assets folder
(after resolving ``..`` and symbolic links), ``file:`` on another host, and any other scheme. There are no
redirects because nothing goes to the network. Every request, allowed or refused, is recorded, so tests can
assert what a render tried to fetch.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS = Path(__file__).resolve().parent / "assets"
_SHOWN = 200  # a data: URL can be long; the record keeps its start


@dataclass(frozen=True)
class FetchRecord:
    """One request WeasyPrint made while rendering."""

    url: str
    allowed: bool
    reason: str


class FetchRefused(ValueError):
    """A URL outside what reports may read. WeasyPrint catches it, logs it and leaves the resource out."""


class AssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """A WeasyPrint URL fetcher limited to ``data:`` URLs and files under ``assets`` (by default our own)."""

    def __init__(self, assets: Path = ASSETS) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.assets = assets.resolve()
        self.records: list[FetchRecord] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Return the resource at ``url`` if it is allowed, else record the refusal and raise ``FetchRefused``."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            self._record(url, True, "data: URL")
            return super().fetch(url)  # urllib's data: handler only: allowed_protocols is ("data",)
        if scheme == "file":
            path = self._asset_path(url)
            if path is not None:
                self._record(url, True, f"asset {path.name}")
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
            return self._refuse(url, "file outside the reports' assets folder")
        return self._refuse(url, f"scheme {scheme or '(none)'!r} is not allowed")

    def _asset_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query:
            return None
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        return path if path.is_file() and path.is_relative_to(self.assets) else None

    def _record(self, url: str, allowed: bool, reason: str) -> None:
        self.records.append(FetchRecord(url[:_SHOWN], allowed, reason))

    def _refuse(self, url: str, reason: str) -> URLFetcherResponse:
        self._record(url, False, reason)
        raise FetchRefused(f"refused {url[:_SHOWN]}: {reason}")

    @property
    def refusals(self) -> tuple[FetchRecord, ...]:
        """The requests this fetcher refused."""
        return tuple(r for r in self.records if not r.allowed)
