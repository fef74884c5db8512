"""SURT keys and CDXJ lines must be the ones replay tools compute, or a lookup misses the record."""

from __future__ import annotations

import json
import subprocess
import sys

from archive.surt import surt_key

URLS = [
    "http://127.0.0.1:37213/kinh-te/",
    "https://baophutho.vn/",
    "http://www.Example.com:80/a/b/?b=2&a=1#top",
    "https://www2.baonghean.vn:443/x",
    "https://baophutho.vn/tin-tuc/bai-viet-123.html?utm_source=fb&page=2",
    "https://baonghean.vn/a/../b/./c//d",
    "https://bao.vn/%E1%BA%A3nh/tin%20moi.html",
    "https://bao.vn/ảnh/tin mới.html",
    "https://báo.vn/x",
    "https://user:pw@bao.vn/a?b",
    "https://bao.vn/a?",
    "https://bao.vn?q=1",
    "https://bao.vn/a?JSESSIONID=0123456789abcdef0123456789abcdef&x=1",
    "https://bao.vn/A/B.HTML?Z=Ü",
    "https://bao.vn/a?x=%2Fy&b",
    "https://bao.vn:8080/",
    "http://3232235777/x",
    "https://bao.vn/p/(S(abcdefghijklmnopqrstuvwx))/page.aspx?x",
]


def test_surt_key_matches_the_reference_implementation() -> None:
    # `surt` comes with cdxj-indexer (test extra); run apart so its import-time warnings stay its own
    code = "import json, sys; from surt import surt; print(json.dumps([surt(u) for u in json.load(sys.stdin)]))"
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], input=json.dumps(URLS),
                            capture_output=True, text=True, check=True)
    expected = json.loads(result.stdout)
    assert [surt_key(u) for u in URLS] == expected


def test_examples() -> None:
    assert surt_key("http://www.Example.com:80/a/b/?b=2&a=1#top") == "com,example)/a/b?a=1&b=2"
    assert surt_key("https://baophutho.vn/") == "vn,baophutho)/"
