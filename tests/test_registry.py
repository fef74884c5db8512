"""The site registry: the bundled file loads, and every mistake is one line naming the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.registry import RegistryError, Site, load_sites

GOOD = """
[site.baophutho]
name = "Báo Phú Thọ"
province = "Phú Thọ"
domains = ["baophutho.vn"]
start_urls = ["https://baophutho.vn/"]
article_pattern = '-\\d{6,}\\.html?$'
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_registry_loads_and_marks_provinces() -> None:
    sites = load_sites()
    assert len(sites) >= 30
    papers = [s for s in sites.values() if s.kind == "paper"]
    assert all(s.province for s in papers), [s.slug for s in papers if not s.province]
    assert sites["baophutho"].province == "Phú Thọ"
    assert sites["baonghean"].owns("https://baonghean.vn/some-article-123456.html")
    assert all(s.owns(u) for s in sites.values() for u in s.start_urls)


def test_good_entry(tmp_path: Path) -> None:
    site = load_sites(write(tmp_path, GOOD))["baophutho"]
    assert site.domains == ("baophutho.vn",)
    assert site.is_article_url("https://baophutho.vn/xa-hoi/abc-202611120915.html") is True
    assert site.is_article_url("https://baophutho.vn/xa-hoi/") is False
    assert site.owns("https://m.baophutho.vn/x") and not site.owns("https://notbaophutho.vn/")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('province = "Phú Thọ"', 'provnce = "Phú Thọ"'), "site 'baophutho': field 'provnce': unknown key"),
        (('domains = ["baophutho.vn"]', "domains = []"), "site 'baophutho': field 'domains': missing"),
        (('domains = ["baophutho.vn"]', ""), "site 'baophutho': field 'domains': missing"),
        (("'-\\d{6,}\\.html?$'", "'([a-z'"), "site 'baophutho': field 'article_pattern': bad regex"),
        (('domains = ["baophutho.vn"]', 'domains = ["https://baophutho.vn/"]'), "is not a host name"),
        (('domains = ["baophutho.vn"]', 'domains = ["baophutho.vn:http"]'), "is not a host name"),
        (('start_urls = ["https://baophutho.vn/"]', 'start_urls = ["https://other.vn/"]'),
         "field 'domains': start URL host 'other.vn' is not among the site's domains"),
        (('start_urls = ["https://baophutho.vn/"]', 'start_urls = ["baophutho.vn"]'),
         "field 'start_urls': 'baophutho.vn' is not an http(s) URL"),
        (('name = "Báo Phú Thọ"', "name = 3"), "field 'name': must be a str, got int"),
        (("[site.baophutho]", "[site.Bao_Phu_Tho]"), "slug must be lowercase"),
    ],
)
def test_errors_name_entry_and_field(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(RegistryError) as caught:
        load_sites(write(tmp_path, GOOD.replace(*change)))
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and text.startswith("sites.toml: ")


def test_bad_kind(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="field 'kind': 'blog' is not one of paper, content-farm"):
        load_sites(write(tmp_path, GOOD + 'kind = "blog"\n'))


def test_not_toml(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_sites(write(tmp_path, "[site.x\nname="))


def test_entries_outside_site_table(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="unknown table 'sites'"):
        load_sites(write(tmp_path, GOOD.replace("[site.", "[sites.")))


def test_start_url_site_is_bound_to_its_port() -> None:
    site = Site.from_start_url("http://127.0.0.1:8123/")
    assert site.domains == ("127.0.0.1:8123",) and site.slug == "127-0-0-1-8123"
    assert site.hosts == {"127.0.0.1"}
    assert site.owns("http://127.0.0.1:8123/a.html")
    assert not site.owns("http://127.0.0.1:8124/a.html")  # another port on the same host is another site
    assert Site.from_start_url("https://baophutho.vn/").owns("https://baophutho.vn:443/x")
    with pytest.raises(RegistryError, match="not an http"):
        Site.from_start_url("ftp://example.vn/")
