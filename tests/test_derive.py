"""derive(): one archived response (+ its site) -> its rows, or why it holds no article. Pure, no Scrapy.

The pages are the fixture sites' files; the responses are the values a WARC record gives (crawler.ingest.response),
built here the way the live crawl builds them. The whole path, live and re-indexed, is checked by
tests/test_index.py, tests/test_bad_input.py and tests/test_response_value.py against real crawls."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import brotli
import pytest

from crawler.ingest.derive import derive, derive_each
from crawler.ingest.response import ArchivedResponse
from crawler.registry import Site
from pipelines.extraction.templates import SiteTemplates, line_key
from tests.conftest import REPO, SITES

BASE = "http://127.0.0.1:8000"
SITE = Site(slug="thu", name="Thử", domains=("127.0.0.1:8000",), start_urls=(BASE + "/",))
ARTICLE = (SITES / "news" / "thoi-su" / "tinh-trien-khai-ke-hoach-xay-dung-nong-thon-moi-100001.html").read_bytes()
UTF8_HTML = [("Content-Type", "text/html; charset=utf-8")]


def response(body: bytes = ARTICLE, headers: list[tuple[str, str]] | None = None, **kw: object) -> ArchivedResponse:
    values: dict[str, object] = {
        "url": BASE + "/thoi-su/tinh-trien-khai-ke-hoach-xay-dung-nong-thon-moi-100001.html", "status": 200,
        "headers": tuple(headers if headers is not None else UTF8_HTML), "body": body,
        "fetched_at": datetime(2026, 3, 12, 2, 14, tzinfo=UTC), "record_id": "<urn:uuid:1>",
        "record_type": "response", "warc_file": "baotinh-20260312021400000-00000-h.warc.gz", "offset": 100,
        "length": 900, "payload_digest": "sha1:X", "run_id": "20260312T021400Z-beef",
    }
    values.update(kw)
    return ArchivedResponse(**values)  # type: ignore[arg-type]


def test_derive_and_all_it_imports_load_without_scrapy() -> None:
    code = ("import sys, crawler.ingest.derive, crawler.ingest.index_worker; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_derive_each_gives_each_record_its_own_rows_and_an_error_costs_its_record_only() -> None:
    broken = response(body=None, record_id="<urn:uuid:2>")  # type: ignore[arg-type]  # derive() raises on it
    tasks = [(response(), SITE, None), (broken, SITE, None), (response(record_id="<urn:uuid:3>"), SITE, None)]
    first, error, third = derive_each(tasks)
    assert first == derive(response(), SITE) and third == derive(response(record_id="<urn:uuid:3>"), SITE)
    assert isinstance(error, str) and error.startswith("AttributeError: ")


def test_an_article_gives_its_capture_article_image_and_figure_rows() -> None:
    derived = derive(response(), SITE)
    assert derived.reason == "article" and derived.site == "thu"
    (capture,) = derived.rows["captures"]
    assert (capture["capture_id"], capture["run_id"], capture["mime"], capture["revisit"]) == (
        "<urn:uuid:1>", "20260312T021400Z-beef", "text/html", False)
    (article,) = derived.rows["articles"]
    assert article["article_id"] == "<urn:uuid:1>" and article["title"].startswith("Tỉnh triển khai")
    assert derived.rows["figures"] and all(f["article_id"] == "<urn:uuid:1>" for f in derived.rows["figures"])


@pytest.mark.parametrize("coding, encode", [
    ("gzip", lambda b: gzip.compress(b, mtime=0)),
    ("deflate", zlib.compress),
    ("br", brotli.compress),
    ("gzip, br", lambda b: brotli.compress(gzip.compress(b, mtime=0))),
])
def test_the_body_is_decoded_as_the_server_encoded_it(coding: str, encode: object) -> None:
    encoded = encode(ARTICLE)  # type: ignore[operator]
    derived = derive(response(encoded, [*UTF8_HTML, ("Content-Encoding", coding)]), SITE)
    assert derived.reason == "article"
    assert derived.rows["articles"] == derive(response(), SITE).rows["articles"]


def test_chunks_left_in_a_foreign_record_are_joined() -> None:
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(ARTICLE[i:i + 1000]), ARTICLE[i:i + 1000])
                       for i in range(0, len(ARTICLE), 1000)) + b"0\r\n\r\n"
    derived = derive(response(chunked, [*UTF8_HTML, ("Transfer-Encoding", "chunked")]), SITE)
    assert derived.reason == "article"


def test_a_mislabelled_charset_is_read_as_utf8_and_reported() -> None:
    derived = derive(response(headers=[("Content-Type", "text/html; charset=iso-8859-1")]), SITE)
    assert derived.reason == "article" and derived.rows["articles"][0]["title"].startswith("Tỉnh triển khai")
    ((problem, detail),) = derived.problems
    assert problem == "charset_mislabelled" and "declared iso-8859-1" in detail


@pytest.mark.parametrize("change, reason", [
    ({"record_type": "revisit", "body": b""}, "revisit"),
    ({"status": 404}, "http_status"),
    ({"status": 301}, "http_status"),
    ({"headers": (("Content-Type", "application/rss+xml"),)}, "not_html"),
    ({"headers": (), "url": BASE + "/anh/cau.jpg"}, "not_html"),
    ({"truncated": "length"}, "truncated"),
    ({"body": b"  \n"}, "empty"),
    ({"body": bytes(range(256)) * 40}, "binary"),
    ({"headers": (*UTF8_HTML, ("Content-Encoding", "gzip")), "body": b"not gzip at all"}, "bad_encoding"),
    ({"headers": (*UTF8_HTML, ("Content-Encoding", "compress"))}, "bad_encoding"),
    ({"url": BASE + "/"}, "listing"),
])
def test_what_holds_no_article_says_why(change: dict[str, object], reason: str) -> None:
    derived = derive(replace(response(), **change), SITE)  # type: ignore[arg-type]
    assert derived.reason == reason
    assert len(derived.rows["captures"]) == 1 and set(derived.rows) == {"captures"}
    assert derived.requisites == ()


def test_an_article_names_its_photos_and_og_image_as_requisites() -> None:
    page = ARTICLE.replace(b"</head>", b'<meta property="og:image" content="/img/chia-se.jpg"></head>')
    derived = derive(response(page), SITE)
    assert derived.requisites == (BASE + "/img/anh-0.jpg", BASE + "/img/chia-se.jpg")
    assert [i["src"] for i in derived.rows["images"]] == [BASE + "/img/anh-0.jpg"]  # the same selection


def test_a_photo_record_gives_its_capture_row_and_no_article() -> None:
    photo = replace(response(), url=BASE + "/img/anh-0.jpg", headers=(("Content-Type", "image/jpeg"),),
                    body=b"\xff\xd8\xff\xe0" + bytes(500))
    derived = derive(photo, SITE)
    assert derived.reason == "not_html" and set(derived.rows) == {"captures"}
    assert derived.rows["captures"][0]["mime"] == "image/jpeg" and derived.requisites == ()


def test_templates_are_an_input_beside_the_site() -> None:
    plain = derive(response(), SITE)
    line = plain.rows["articles"][0]["text"].split("\n\n")[-1]
    templates = SiteTemplates("thu", frozenset({line_key(line, None)}), pages=3)
    cleaned = derive(response(), SITE, templates)
    assert line in plain.rows["articles"][0]["text"] and line not in cleaned.rows["articles"][0]["text"]
    assert cleaned.rows["articles"][0]["extractor"].endswith(f"templates/{templates.digest}")
    assert derive(response(), SITE, templates) == cleaned  # the same input, the same rows

def test_a_decompression_bomb_is_stopped() -> None:
    bomb = gzip.compress(b" " * (65 * 1024 * 1024), compresslevel=1, mtime=0)
    derived = derive(response(bomb, [*UTF8_HTML, ("Content-Encoding", "gzip")]), SITE)
    assert derived.reason == "decompression_bomb" and "decompression bomb" in derived.detail


def test_a_page_judged_an_article_without_article_text_is_not_an_article() -> None:
    short = b"<html><head><meta property='og:type' content='article'><title>x</title></head><body>ngan</body></html>"
    assert derive(response(short), SITE).reason == "not_article"


def test_the_site_pattern_decides_before_the_page() -> None:
    pattern_site = replace(SITE, article_pattern=re.compile(r"/kinh-te/"))
    assert derive(response(), pattern_site).reason == "listing"  # a /thoi-su/ page, for this site a listing
