"""SiteServer: a small HTTP server for a directory of static pages, on 127.0.0.1.

It serves the bundled demo site for `baotinh demo` and the fixture sites of the tests. A site is a folder
of files plus an optional `_site.toml` describing what static files cannot: redirects, which paths are
sent gzip-compressed or chunked, extra status codes. Every `{{BASE}}` in a served text file becomes the
server's own base URL (`http://127.0.0.1:PORT`), so sitemaps and feeds can hold absolute links.

    [redirects]
    "/old.html" = { to = "/new.html", status = 301 }

    [gzip]          # served with Content-Encoding: gzip when the client accepts it
    paths = ["/*.html", "/sitemap.xml"]

    [chunked]       # served with Transfer-Encoding: chunked and no Content-Length
    paths = ["/tin-tuc/*.html"]

    [status]        # answered with this status and the file's body (or an empty body); patterns allowed
    "/broken.html" = 500

    [delay]         # seconds to wait before answering paths matching the pattern (a slow site)
    "/tin-tuc/*" = 0.5

    [headers]       # extra response headers: a table, or a list of pairs to repeat a header; values are sent
                    # as UTF-8 bytes; a Content-Type here replaces the default one
    "/cp1258/*" = { "Content-Type" = "text/html; charset=windows-1258" }
    "/" = [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["X-Tieu-De", "Phú Thọ"]]

    [conditional]   # ETag and Last-Modified sent, If-None-Match / If-Modified-Since answered with 304
    paths = ["/", "/sitemap*.xml"]

    [first]         # the first N requests of a path get this status and headers, later ones the file
    "/ban/*" = { status = 503, times = 1, headers = { "Retry-After" = "1" } }

Paths are matched with shell patterns (`fnmatch`). Subclasses answer paths of their own by overriding
`special()` (the tests' hostile server does: stalls, huge bodies, gzip bombs).
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import mimetypes
import sys
import threading
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


@dataclass
class SiteRules:
    """The `_site.toml` of a site folder."""

    redirects: dict[str, tuple[str, int]] = field(default_factory=dict)
    gzip: list[str] = field(default_factory=list)
    chunked: list[str] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)
    headers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    conditional: list[str] = field(default_factory=list)
    first: dict[str, dict] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # the whole file, for subclasses' own tables

    @classmethod
    def load(cls, root: Path) -> SiteRules:
        path = root / "_site.toml"
        if not path.exists():
            return cls()
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            redirects={k: (v["to"], int(v.get("status", 301))) for k, v in data.get("redirects", {}).items()},
            gzip=list(data.get("gzip", {}).get("paths", [])),
            chunked=list(data.get("chunked", {}).get("paths", [])),
            status={k: int(v) for k, v in data.get("status", {}).items()},
            delay={k: float(v) for k, v in data.get("delay", {}).items()},
            headers={k: [(str(n), str(v)) for n, v in (h.items() if isinstance(h, dict) else h)]
                     for k, h in data.get("headers", {}).items()},
            conditional=list(data.get("conditional", {}).get("paths", [])),
            first=dict(data.get("first", {})),
            extra=data,
        )

    def status_for(self, path: str) -> int | None:
        if path in self.status:
            return self.status[path]
        return next((s for p, s in self.status.items() if fnmatch.fnmatchcase(path, p)), None)

    def headers_for(self, path: str) -> list[tuple[str, str]]:
        return [pair for pattern, pairs in self.headers.items() if fnmatch.fnmatchcase(path, pattern)
                for pair in pairs]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up (a timeout, a size limit): not the server's problem
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _matches(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


class SiteServer:
    """Serve `root` on 127.0.0.1 (port 0 picks a free port) in a background thread.

    >>> server = SiteServer(Path("tests/sites/news")).start()   # doctest: +SKIP
    >>> server.base_url                                          # doctest: +SKIP
    'http://127.0.0.1:38211'
    >>> server.stop()                                            # doctest: +SKIP
    """

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root)
        self.rules = SiteRules.load(self.root)
        self.requested: list[str] = []  # request paths in arrival order, for tests and the demo summary
        self.arrived: list[float] = []  # time.monotonic() of each request's arrival, in the same order
        self.cookies: list[str] = []  # Cookie headers received, to show that a client sent them
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests waiting at once for their answer: a polite client keeps it low
        self.not_modified: list[str] = []  # request paths answered with 304
        self.stopping = threading.Event()  # set by stop(): handlers that wait give up
        self._served_first: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SiteServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="site-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, path: str) -> None:
        with self._lock:
            self.requested.append(path)
            self.arrived.append(time.monotonic())

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def take_first(self, path: str) -> dict | None:
        """The `[first]` rule still due for `path` (counting this request), or None."""
        for pattern, rule in self.rules.first.items():
            if fnmatch.fnmatchcase(path, pattern):
                with self._lock:
                    self._served_first[path] += 1
                    if self._served_first[path] <= int(rule.get("times", 1)):
                        return rule
        return None

    def special(self, handler: BaseHTTPRequestHandler, path: str, head: bool) -> bool:
        """Answer `path` in a way of one's own and return True, or return False for the usual answer."""
        return False

    def resolve(self, path: str) -> Path | None:
        """The file that answers `path`, or None."""
        rel = unquote(path).lstrip("/")
        candidate = (self.root / rel).resolve()
        if self.root.resolve() not in (candidate, *candidate.parents):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.is_file() and not candidate.name.startswith("_"):
            return candidate
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "baotinh-site/1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
                pass

            def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
                self._counted(head=True)

            def do_GET(self) -> None:  # noqa: N802
                self._counted(head=False)

            def _counted(self, head: bool) -> None:
                # counted until the answer starts: once a client has its answer it may rightly send the
                # next request before this thread has finished, which is not a second request in flight
                server._enter()
                self._left = False
                try:
                    self._answer(head)
                finally:
                    self._leave_once()

            def _leave_once(self) -> None:
                if not self._left:
                    self._left = True
                    server._leave()

            def _answer(self, head: bool) -> None:
                path = urlsplit(self.path).path or "/"
                server._record(self.path)
                if self.headers.get("Cookie"):
                    server.cookies.append(self.headers["Cookie"])
                rules = server.rules
                pause = max((s for p, s in rules.delay.items() if fnmatch.fnmatchcase(path, p)), default=0.0)
                if pause:
                    server.stopping.wait(pause)  # a slow answer that stop() can cut short
                self._leave_once()
                if path in rules.redirects:
                    target, status = rules.redirects[path]
                    self.send_response(status)
                    self.send_header("Location", target.replace("{{BASE}}", server.base_url))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                first = server.take_first(path)
                if first is not None:
                    self.send_response(int(first.get("status", 503)))
                    for name, value in first.get("headers", {}).items():
                        self.send_header(name, str(value))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if server.special(self, path, head):
                    return
                file = server.resolve(path)
                status = rules.status_for(path) or (HTTPStatus.OK if file else HTTPStatus.NOT_FOUND)
                body = file.read_bytes() if file else b"<html><body><h1>404 Not Found</h1></body></html>"
                ctype = CONTENT_TYPES.get(file.suffix, None) if file else "text/html; charset=utf-8"
                if ctype is None:
                    ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                if ctype.startswith(("text/", "application/xml", "application/rss", "application/atom")):
                    body = body.replace(b"{{BASE}}", server.base_url.encode())
                extra = rules.headers_for(path)
                ctype = next((v for n, v in reversed(extra) if n.lower() == "content-type"), ctype)
                extra = [(n, v) for n, v in extra if n.lower() != "content-type"]
                if file and status == HTTPStatus.OK and _matches(path, rules.conditional):
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    modified = int(file.stat().st_mtime)
                    extra += [("ETag", etag), ("Last-Modified", formatdate(modified, usegmt=True))]
                    if self._not_modified(etag, modified):
                        server.not_modified.append(self.path)
                        self.send_response(HTTPStatus.NOT_MODIFIED)
                        self._send_headers(extra)
                        self.end_headers()
                        return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self._send_headers(extra)
                if _matches(path, rules.gzip) and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body, mtime=0)
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Vary", "Accept-Encoding")
                if _matches(path, rules.chunked):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    if not head:
                        self._write_chunked(body)
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def _not_modified(self, etag: str, modified: int) -> bool:
                if_none_match = self.headers.get("If-None-Match")
                if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
                    return etag in (t.strip() for t in if_none_match.split(","))
                since = self.headers.get("If-Modified-Since")
                try:
                    return since is not None and modified <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False

            def _send_headers(self, pairs: list[tuple[str, str]]) -> None:
                for name, value in pairs:
                    # http.server encodes header values as latin-1: this sends the UTF-8 bytes as they are
                    self.send_header(name, value.encode("utf-8").decode("latin-1"))

            def _write_chunked(self, body: bytes, size: int = 4096) -> None:
                for i in range(0, len(body), size):
                    chunk = body[i : i + size]
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

        return Handler
