"""HostileServer: a SiteServer that also misbehaves on purpose, for the bad-input and kill tests.

Rules come from the `[hostile]` table of a site's `_site.toml` and/or the `hostile=` argument, by path pattern:

    [hostile]
    "/bai/rat-lon-*" = { kind = "large", size = 52428800 }   # a body this long (Content-Length announced)
    "/bai/bom-*"     = { kind = "gzip-bomb", size = 100000000 }  # this many spaces, gzipped, always
    "/bai/treo-*"    = { kind = "stall" }                      # never answers (until the server stops)
    "/bai/nhi-*"     = { kind = "binary", size = 20000 }       # bytes 0-255 as text/html
    "/bai/tin-so-7-*" = { kind = "hold" }                      # the first request waits for release()
    "/bai/dut-*"     = { kind = "short", times = 1 }           # half the file, then the connection closes
    "/the/*"         = { kind = "links", count = 20000 }       # a page of that many links to /the/N.html

`short` announces the whole file's Content-Length, sends half of it and closes the connection (a server
that dies mid-answer), the first `times` requests of each path (every request without `times`); later
requests get the file. `links` answers any path with a small listing page: `count` links (default 0) to
`/the/0.html` … under the same folder, so one rule makes a tag cloud of any size.

`held` is set when a request is being held, so a test can wait on it instead of sleeping.
"""

from __future__ import annotations

import fnmatch
import gzip
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from crawler.demo.server import SiteServer

FILLER = b"<p>" + b"x" * 65530 + b"</p>\n"


class HostileServer(SiteServer):
    def __init__(self, root: Path, hostile: dict[str, dict] | None = None) -> None:
        super().__init__(root)
        self.hostile: dict[str, dict] = {**self.rules.extra.get("hostile", {}), **(hostile or {})}
        self.held = threading.Event()
        self.released = threading.Event()
        self._hold_used = False
        self._hostile_lock = threading.Lock()
        self._cut: Counter[str] = Counter()
        # built before serving: compressing takes longer than a test's download timeout
        self._bombs = {int(r["size"]): gzip.compress(b" " * int(r["size"]), compresslevel=9, mtime=0)
                       for r in self.hostile.values() if r["kind"] == "gzip-bomb"}

    def release(self) -> None:
        self.released.set()

    def stop(self) -> None:
        self.released.set()  # a held request must not keep the server from stopping
        super().stop()

    def special(self, handler: BaseHTTPRequestHandler, path: str, head: bool) -> bool:
        rule = next((r for p, r in self.hostile.items() if fnmatch.fnmatchcase(path, p)), None)
        if rule is None:
            return False
        kind = rule["kind"]
        try:
            if kind == "hold":
                with self._hostile_lock:
                    first, self._hold_used = not self._hold_used, True
                if first:
                    self.held.set()
                    self.released.wait()
                return False  # then the usual answer (if the client is still there)
            if kind == "stall":
                self.stopping.wait()
                return True
            if kind == "large":
                self._send(handler, "text/html; charset=utf-8", int(rule["size"]))
                remaining = int(rule["size"])
                while remaining > 0 and not head:
                    chunk = FILLER[: min(len(FILLER), remaining)]
                    handler.wfile.write(chunk)
                    remaining -= len(chunk)
                return True
            if kind == "gzip-bomb":
                body = self._bombs[int(rule["size"])]
                self._send(handler, "text/html; charset=utf-8", len(body), {"Content-Encoding": "gzip"})
                if not head:
                    handler.wfile.write(body)
                return True
            if kind == "short":
                with self._hostile_lock:
                    self._cut[path] += 1
                    due = "times" not in rule or self._cut[path] <= int(rule["times"])
                file = self.resolve(path)
                if not due or file is None:
                    return False  # the usual answer
                body = file.read_bytes()
                self._send(handler, "text/html; charset=utf-8", len(body))
                if not head:
                    handler.wfile.write(body[: len(body) // 2])
                    handler.wfile.flush()
                handler.close_connection = True  # and the server closes it: the rest never comes
                return True
            if kind == "links":
                count = int(rule.get("count", 0))
                folder = path.rsplit("/", 1)[0]
                items = "".join(f'<li><a href="{folder}/{n}.html">{n}</a></li>' for n in range(count))
                body = (f'<html><head><meta property="og:type" content="website"><title>{path}</title></head>'
                        f"<body><ul>{items}</ul></body></html>").encode()
                self._send(handler, "text/html; charset=utf-8", len(body))
                if not head:
                    handler.wfile.write(body)
                return True
            if kind == "binary":
                body = bytes(range(256)) * (int(rule.get("size", 4096)) // 256)
                self._send(handler, "text/html; charset=utf-8", len(body))
                if not head:
                    handler.wfile.write(body)
                return True
        except (BrokenPipeError, ConnectionResetError):
            return True  # the client hung up: what a size limit or a timeout does
        raise ValueError(f"unknown hostile kind {kind!r}")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, ctype: str, length: int, extra: dict[str, str] | None = None) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", ctype)
        for name, value in (extra or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
