"""surt_key(): the SURT URL key that CDXJ indexes sort by and that pywb and ReplayWeb.page look URLs up with.

`http://www.Example.com:80/a/b/?b=2&a=1#top` -> `com,example)/a/b?a=1&b=2`

Replay tools compute the key of the URL a reader asks for and binary-search the index with it, so the key
must be the one they compute: this follows the rules of the Wayback Machine's URL key maker (archive-commons
`WaybackURLKeyMaker`, the default canonicalizer of pywb and cdxj-indexer): unescape and re-escape, lowercase,
drop `www.`, a default port, user info, the fragment, session ids and a trailing slash, sort query arguments,
reverse the host. The tests compare it with the `surt` package on awkward URLs.
"""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes, unquote_to_bytes

_SPLIT = re.compile(rb"^(([a-zA-Z][a-zA-Z0-9+.-]*):)?((//([^/?#]*))?([^?#]*)(\?([^#]*))?)?(#(.*))?$")
_WWW = re.compile(rb"^www\d*\.")
_SAFE = b"!\"$&'()*+,-./:;<=>?@[\\]^_`{|}~"
DEFAULT_PORTS = {b"http": 80, b"https": 443}
_PATH_SESSION = [
    re.compile(rb"^(.*/)(\((?:[a-z]\([0-9a-z]{24}\))+\)/)([^\?]+\.aspx.*)$", re.I),
    re.compile(rb"^(.*/)(\([0-9a-z]{24}\)/)([^\?]+\.aspx.*)$", re.I),
]
_QUERY_SESSION = [
    re.compile(rb"^(.*)(?:jsessionid=[0-9a-zA-Z]{32})(?:&(.*))?$", re.I),
    re.compile(rb"^(.*)(?:phpsessid=[0-9a-zA-Z]{32})(?:&(.*))?$", re.I),
    re.compile(rb"^(.*)(?:sid=[0-9a-zA-Z]{32})(?:&(.*))?$", re.I),
    re.compile(rb"^(.*)(?:ASPSESSIONID[a-zA-Z]{8}=[a-zA-Z]{24})(?:&(.*))?$", re.I),
    re.compile(rb"^(.*)(?:cfid=[^&]+&cftoken=[^&]+)(?:&(.*))?$", re.I),
]


def _unescape(value: bytes) -> bytes:
    while True:
        once = unquote_to_bytes(value)
        if once == value:
            return value
        value = once


def _escape(value: bytes) -> bytes:
    return quote_from_bytes(value, safe=_SAFE).encode("ascii")


def _normalize_path(path: bytes) -> bytes:
    kept: list[bytes] = []
    for part in path.split(b"/")[1:]:
        if part == b".":
            continue
        if part == b".." and kept:
            kept.pop()
        else:
            kept.append(part)
    if not kept:
        return b"/"
    return b"/" + b"".join(p + b"/" for p in kept[:-1] if p) + kept[-1]


def _strip_sessions(value: bytes, patterns: list[re.Pattern[bytes]], query: bool) -> bytes:
    for pattern in patterns:
        match = pattern.match(value)
        if match:
            value = match.group(1) + (match.group(2) or b"") if query else match.group(1) + match.group(3)
    return value


def _sort_query(query: bytes) -> bytes:
    args = sorted(tuple(arg.split(b"=", 1)) for arg in query.split(b"&"))
    return b"&".join(b"=".join(arg) for arg in args)


def surt_key(url: str) -> str:
    """The SURT key of an http(s) URL, without scheme, as in CDXJ lines."""
    raw = re.sub(rb"[\n\r\t]", b"", url.encode("utf-8").strip())
    if not re.match(rb"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw):
        raw = b"http://" + raw
    match = _SPLIT.match(raw)
    assert match is not None  # the pattern matches any string
    scheme = (match.group(2) or b"").lower()
    netloc = (match.group(5) or b"").rstrip(b":")
    path, query = match.group(6) or b"", match.group(8)

    host_port = netloc.rpartition(b"@")[2]  # user info never goes into a key
    host, _, port_text = host_port.partition(b":") if not host_port.startswith(b"[") else (host_port, b"", b"")
    port = int(port_text) if port_text.isdigit() else None
    host = _unescape(host)
    if not host.isascii():
        host = host.decode("utf-8", "ignore").encode("idna")
    host = host.replace(b"..", b".").strip(b".").lower()
    if host.isdigit():  # a 32-bit integer host is an IPv4 address
        n = int(host) & 0xFFFFFFFF
        host = b".".join(str((n >> s) & 0xFF).encode() for s in (24, 16, 8, 0))
    host = _WWW.sub(b"", _escape(host))
    if port == DEFAULT_PORTS.get(scheme):
        port = None

    path = _escape(_normalize_path(_unescape(path))).lower()
    path = _strip_sessions(path, _PATH_SESSION, query=False)
    if len(path) > 1 and path.endswith(b"/"):
        path = path[:-1]
    if query:
        query = _sort_query(_strip_sessions(_escape(_unescape(query)), _QUERY_SESSION, query=True).lower())

    key = b",".join(reversed(host.split(b"."))) + (b":%d" % port if port else b"") + b")" + path
    if query:
        key += b"?" + query
    return key.decode("ascii")
