"""A small database with what the saved queries and search need: two sites, a repost, figures, two runs.

Rows go in through the Store, as a crawl's do, each article with the fingerprint derive() gives its text; the
search index and the repost clusters are then built as after a crawl (pipelines.database.search_index,
repost_index). Dates are frozen at +07:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pipelines.database import repost_index
from pipelines.database.search_index import refresh
from pipelines.database.store import Store
from pipelines.reposts.fingerprint import fingerprint

VN = timezone(timedelta(hours=7))
WARC = "baotinh-20260312020000000-00000-test.warc.gz"

CHE = ("Những ngày này, nông dân các xã vùng chè của tỉnh Phú Thọ đang tập trung thu hoạch chè vụ xuân. "
       "Năng suất bình quân đạt 105 tạ/ha, cao hơn cùng kỳ 8 tạ/ha. Giá chè búp tươi dao động từ 8.000 đến "
       "12.000 đồng/kg, tăng khoảng 15% so với năm trước. Giá trị xuất khẩu chè đạt 12,5 triệu USD. "
       "Ngành nông nghiệp khuyến cáo bà con hái đúng kỹ thuật để bảo đảm chất lượng cho vụ sau.")

# slug, url path, title, published (VN), text
ARTICLES: list[tuple[str, str, str, datetime | None, str]] = [
    ("baophutho", "/chinh-tri/hoi-nghi-ban-chap-hanh-dang-bo-tinh-100001.html",
     "Hội nghị Ban Chấp hành Đảng bộ tỉnh Phú Thọ lần thứ 12",
     datetime(2026, 1, 15, 8, 30, tzinfo=VN),
     "Sáng 15/1, Ban Chấp hành Đảng bộ tỉnh Phú Thọ tổ chức hội nghị lần thứ 12 để đánh giá kết quả năm 2025. "
     "Toàn tỉnh có 225 xã, phường, thị trấn; tốc độ tăng trưởng kinh tế đạt 7,5%. Hội nghị thống nhất các "
     "nhiệm vụ trọng tâm của Đảng bộ trong năm 2026, trong đó có xây dựng nông thôn mới ở 20 xã."),
    ("baophutho", "/kinh-te/nong-dan-thu-hoach-che-vu-xuan-100003.html",
     "Nông dân Phú Thọ thu hoạch chè vụ xuân được giá", datetime(2026, 3, 12, 9, 12, tzinfo=VN), CHE),
    ("baophutho", "/kinh-te/gia-tri-xuat-khau-quy-i-100005.html",
     "Giá trị xuất khẩu quý I đạt 1.250 triệu USD", datetime(2026, 3, 31, 16, 0, tzinfo=VN),
     "Theo Sở Công Thương, giá trị xuất khẩu quý I của tỉnh đạt 1.250 triệu USD, tăng 18,2% so với cùng kỳ. "
     "Các mặt hàng chủ lực là may mặc, linh kiện điện tử và chè. Sở đề nghị doanh nghiệp đa dạng hóa thị "
     "trường, nâng cao chất lượng sản phẩm để đáp ứng yêu cầu ngày càng cao của nhà nhập khẩu."),
    ("baophutho", "/thoi-su/khanh-thanh-cau-dan-sinh-100002.html",
     "Khánh thành cầu dân sinh nối hai xã vùng cao", None,
     "Cây cầu dài 120 m nối hai xã vùng cao của huyện Tân Sơn đã được đưa vào sử dụng, tổng vốn đầu tư 15 tỷ "
     "đồng. Người dân không còn phải lội suối mỗi mùa mưa lũ. Công trình do tỉnh và nhà hảo tâm cùng góp vốn."),
    # the content farm: the same tea article, reposted a day later, and one written without diacritics
    ("vccidata", "/tin-tuc/nong-dan-phu-tho-thu-hoach-che-vu-xuan-duoc-gia.html",
     "Nông dân Phú Thọ thu hoạch chè vụ xuân được giá", datetime(2026, 3, 13, 7, 0, tzinfo=VN), CHE),
    ("vccidata", "/tin-tuc/dang-bo-tinh-phu-tho-ra-quan-xay-dung-nong-thon-moi.html",
     "Dang bo tinh Phu Tho ra quan xay dung nong thon moi", datetime(2026, 2, 2, 10, 0, tzinfo=VN),
     "Dang bo tinh Phu Tho phat dong phong trao xay dung nong thon moi nam 2026 voi muc tieu them 20 xa dat "
     "chuan. Cac dia phuong duoc giao chi tieu cu the va bao cao ket qua hang quy len tinh."),
]
HOSTS = {"baophutho": "https://baophutho.vn", "vccidata": "https://vccidata.com.vn"}

FIGURES = [
    # article index, value, unit, scaled, base unit, kind, change, subject, raw
    (0, 225.0, "xã, phường, thị trấn", 225.0, "xã", "count", "none", "xã, phường, thị trấn", "225 xã"),
    (0, 7.5, "%", 7.5, "%", "percent", "increase", "tốc độ tăng trưởng kinh tế", "7,5%"),
    (1, 12.5, "triệu USD", 12.5e6, "USD", "money", "none", "giá trị xuất khẩu chè", "12,5 triệu USD"),
    (2, 1250.0, "triệu USD", 1.25e9, "USD", "money", "increase", "giá trị xuất khẩu quý I", "1.250 triệu USD"),
    (3, 15.0, "tỷ đồng", 15e9, "đồng", "money", "none", "tổng vốn đầu tư", "15 tỷ đồng"),
]


def article_id(n: int) -> str:
    return f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"


def fixture_rows() -> dict[str, list[dict[str, Any]]]:
    fetched0 = datetime(2026, 3, 14, 2, 0, tzinfo=VN)
    rows: dict[str, list[dict[str, Any]]] = {
        "sites": [
            {"site": "baophutho", "name": "Báo Phú Thọ", "province": "Phú Thọ", "kind": "paper",
             "domains": ["baophutho.vn"], "start_urls": ["https://baophutho.vn/"], "feeds": [], "sitemaps": [],
             "article_pattern": r"-\d{6,}\.html?$", "updated_at": fetched0},
            {"site": "vccidata", "name": "VCCIDATA", "province": None, "kind": "content-farm",
             "domains": ["vccidata.com.vn"], "start_urls": ["https://vccidata.com.vn/"], "feeds": [],
             "sitemaps": [], "article_pattern": None, "updated_at": fetched0},
        ],
        "runs": [
            {"run_id": "20260313T190000Z-aaaa", "command": "crawl", "started_at": fetched0,
             "finished_at": fetched0 + timedelta(minutes=3), "status": "finished",
             "stats": '{"response_received_count": 8, "store/captures": 8, "store/articles": 6, '
                      '"baotinh/fetch_errors": 1, "archive/bytes": 52000}'},
            {"run_id": "20260314T190000Z-bbbb", "command": "index", "started_at": fetched0 + timedelta(days=1),
             "finished_at": fetched0 + timedelta(days=1, seconds=20), "status": "finished",
             "stats": '{"index/records": 8, "store/captures": 8, "store/articles": 6}'},
        ],
        "captures": [], "articles": [], "figures": [], "images": [],
        "warc_files": [{"warc_file": WARC, "run_id": "20260313T190000Z-aaaa", "captures": 8, "articles": 6,
                        "indexed_at": fetched0 + timedelta(minutes=3)}],
    }
    for n, (site, path, title, published, text) in enumerate(ARTICLES):
        fetched = fetched0 + timedelta(seconds=n)
        url = HOSTS[site] + path
        rows["captures"].append(_capture(n, url, site, fetched))
        rows["articles"].append({
            "article_id": article_id(n), "url": url, "site": site, "title": title, "lead": None,
            "author": "Minh Hương" if site == "baophutho" else None, "published_at": published, "text": text,
            "source_credit": "PTĐT" if site == "baophutho" else None, "capture_id": article_id(n),
            "extractor": "test/1", "fetched_at": fetched, "fingerprint": fingerprint(text),
        })
        rows["images"].append({"article_id": article_id(n), "src": f"/anh/{n}.jpg", "caption": title,
                               "credit": "Minh Hương"})
    # a listing page and a redirect hop: captures without articles
    rows["captures"].append(_capture(90, "https://baophutho.vn/kinh-te/", "baophutho", fetched0))
    rows["captures"].append(_capture(91, "https://baophutho.vn/tin-cu-100009.html", "baophutho", fetched0,
                                     status=301))
    for n, value, unit, scaled, base, kind, change, subject, raw in FIGURES:
        text = ARTICLES[n][4]
        start = text.find(raw)
        rows["figures"].append({
            "article_id": article_id(n), "value": value, "unit": unit, "scaled_value": scaled, "base_unit": base,
            "kind": kind, "change": change, "subject": subject, "raw": raw,
            "sentence": text, "char_start": start, "char_end": start + len(raw),
        })
    return rows


def _capture(n: int, url: str, site: str, fetched: datetime, status: int = 200) -> dict[str, Any]:
    return {"capture_id": article_id(n), "run_id": "20260313T190000Z-aaaa", "url": url, "status": status,
            "mime": "text/html", "fetched_at": fetched, "warc_file": WARC, "warc_offset": 1000 * n,
            "warc_length": 900, "payload_digest": f"sha1:TEST{n:04d}", "revisit": False, "site": site}


def build_fixture_db(path: Path) -> Path:
    store = Store(path)
    assert store.write(fixture_rows())
    with store.connect() as con:
        assert refresh(con).action == "built"
        assert repost_index.refresh(con).clusters == 1  # the tea article and its repost
    return path
