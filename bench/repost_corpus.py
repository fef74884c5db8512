"""Synthetic Vietnamese articles with known copies, for bench_reposts.py: the truth the clusters are scored on.

The words are real: sentences of the repo's corpora (the Vietnamese pages' text in
tests/fixtures/figures/corpus.jsonl.gz, the demo paper's articles, the seed article), cut into clauses and
put together again at random, with their numbers redrawn, so shingles recur as in real news text (a clause
such as "theo báo cáo của UBND tỉnh" comes back in many articles) while no two articles are the same.

What is in it (fixed seed, the same corpus every run):
- originals on paper sites, each site with its template lines (header, licence, share bar) in every article
  (an extractor that kept them);
- copies on content farms: the farm's wrapper lines around it ("Bạn đang xem: …", "Xem thêm: …", a closing
  line), paragraphs dropped, punctuation changed, diacritics stripped (all, or some paragraphs), each with the
  share of the original's text it kept (`kept`);
- hard negatives: articles of the same site sharing a long standard paragraph (a campaign's boilerplate), and
  weather bulletins written from one template with other places and numbers.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES_CORPUS = ROOT / "tests" / "fixtures" / "figures" / "corpus.jsonl.gz"
DEMO_PAPER = ROOT / "crawler" / "demo" / "site" / "_src" / "baophutho.toml"
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_248af50c5ac81042.txt"
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ỸĐ“\"])")
CLAUSE_CUT = re.compile(r"[,;:]\s+")
DIGITS = re.compile(r"\d+")

FARM_INTRO = ("Bạn đang quan tâm đến {title} phải không? Nào hãy cùng {farm} đón xem bài viết này ngay sau đây "
              "nhé, vì nó vô cùng thú vị và hay đấy!")
FARM_LINES = ("XEM VIDEO {title} tại đây.", "Bạn đang xem: {title}", "Xem thêm: {other}")
FARM_OUTRO = ("Vậy là đến đây bài viết về {title} đã dừng lại rồi. Hy vọng bạn luôn theo dõi và đọc những bài "
              "viết hay của chúng tôi trên website {farm}.")
TEMPLATE = ("Báo {site} điện tử - Cơ quan của Đảng bộ tỉnh {site}", "Chia sẻ Facebook Zalo In bài viết",
            "Giấy phép số {n}/GP-BTTTT của Bộ Thông tin và Truyền thông. Tổng biên tập: {editor}")
BULLETIN = (
    "Theo Đài Khí tượng Thủy văn tỉnh {site}, ngày {d}/{m} khu vực {place} có mây, ngày nắng, đêm không mưa.",
    "Nhiệt độ thấp nhất từ {t1} đến {t2} độ C, cao nhất từ {t3} đến {t4} độ C, độ ẩm từ {h1} đến {h2}%.",
    "Gió {wind} cấp {g}, vùng núi {place2} có nơi gió giật cấp {g2}, trời rét về đêm và sáng sớm.",
    "Từ ngày {d2}/{m}, một đợt không khí lạnh tăng cường ảnh hưởng đến các xã phía {side}, nhiệt độ giảm {dt} độ C.",
    "Người dân {place} cần chủ động giữ ấm, bảo vệ cây trồng, vật nuôi; các hồ chứa giữ mực nước ở mức {w} m.",
    "Lượng mưa tại trạm {place2} đo được {r} mm, mực nước sông {river} lúc {hh} giờ là {lv} m, dưới báo động {al}.",
)
PLACES = ("Việt Trì", "Phú Thọ", "Lâm Thao", "Thanh Sơn", "Tân Sơn", "Hạ Hòa", "Đoan Hùng", "Yên Lập", "Cẩm Khê",
          "Tam Nông", "Thanh Thủy", "Phù Ninh", "Vĩnh Tường", "Tam Đảo", "Lập Thạch", "Sông Lô")
RIVERS = ("Thao", "Lô", "Đà", "Hồng", "Chảy", "Bứa")


@dataclass(frozen=True)
class SyntheticArticle:
    article_id: str
    site: str
    kind: str  # original, copy, standard (shares a campaign paragraph), bulletin
    source: str  # the article_id of the original it copies; its own for anything else
    kept: float  # share of the original's text a copy kept (1.0 for the rest)
    published_at: datetime
    text: str


def material() -> list[str]:
    """Clauses of real Vietnamese sentences (at least 5 words each), in a fixed order."""
    texts = [json.loads(line)["text"] for line in gzip.decompress(FIGURES_CORPUS.read_bytes()).decode().splitlines()]
    paper = tomllib.loads(DEMO_PAPER.read_text(encoding="utf-8"))
    for article in paper["article"]:
        texts += [article.get("sapo", ""), *article.get("body", [])]
    texts.append(SEED.read_text(encoding="utf-8"))
    clauses: list[str] = []
    for text in texts:
        for line in text.splitlines():
            for sentence in SENTENCE_END.split(line.strip()):
                clauses += [c.strip(" .!?…") for c in CLAUSE_CUT.split(sentence) if len(c.split()) >= 5]
    return sorted(set(clauses))


def strip_marks(text: str) -> str:
    flat = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in flat if not unicodedata.combining(c)))


class Corpus:
    """`Corpus(seed).articles(n)`: n articles, about `copy_share` of them copies."""

    def __init__(self, seed: int = 14, papers: int = 120, farms: int = 40, copy_share: float = 0.15) -> None:
        self.rng = random.Random(seed)
        self.clauses = material()
        self.papers = [f"bao{i:03d}" for i in range(papers)]
        self.farms = [f"farm{i:02d}" for i in range(farms)]
        self.copy_share = copy_share
        self.standard = {site: [self.paragraph(4, 8) for _ in range(2)] for site in self.papers}
        self.template = {site: [line.format(site=site.upper(), n=self.rng.randint(10, 999),
                                            editor=self.title()) for line in TEMPLATE] for site in self.papers}
        self.start = datetime(2026, 1, 1, tzinfo=UTC)

    def _number(self, match: re.Match[str]) -> str:
        return str(self.rng.randint(1, 10 ** len(match[0]) - 1))

    def sentence(self) -> str:
        parts = [DIGITS.sub(self._number, self.rng.choice(self.clauses)) for _ in range(self.rng.randint(1, 3))]
        text = ", ".join(parts)
        return text[:1].upper() + text[1:] + "."

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def title(self) -> str:
        return " ".join(self.rng.choice(self.clauses).split()[:10])

    def articles(self, count: int) -> list[SyntheticArticle]:
        return list(self._generate(count))

    def _generate(self, count: int) -> Iterator[SyntheticArticle]:
        made = 0
        while made < count:
            site = self.rng.choice(self.papers)
            when = self.start + timedelta(minutes=self.rng.randint(0, 500_000))
            ident = f"<urn:uuid:{self.rng.getrandbits(128):032x}>"
            roll = self.rng.random()
            if roll < 0.02:
                paragraphs, kind = self.bulletin(site), "bulletin"
            else:
                paragraphs = [self.paragraph() for _ in range(self.rng.randint(4, 12))]
                kind = "original"
                if roll < 0.12:  # a campaign's standard paragraph in one article out of ten
                    paragraphs.insert(self.rng.randint(0, len(paragraphs)), self.rng.choice(self.standard[site]))
                    kind = "standard"
            lines = [self.template[site][0], *paragraphs, *self.template[site][1:]]
            yield SyntheticArticle(ident, site, kind, ident, 1.0, when, "\n\n".join(lines))
            made += 1
            copies = self.rng.randint(1, 3) if self.rng.random() < self.copy_share / 2 else 0
            for _ in range(min(copies, count - made)):
                yield self.copy(ident, paragraphs, when)
                made += 1

    def bulletin(self, site: str) -> list[str]:
        r = self.rng.randint
        values = dict(site=site.upper(), d=r(1, 28), d2=r(1, 28), m=r(1, 12), place=self.rng.choice(PLACES),
                      place2=self.rng.choice(PLACES), t1=r(8, 15), t2=r(16, 20), t3=r(20, 25), t4=r(26, 33),
                      h1=r(50, 70), h2=r(71, 95), wind=self.rng.choice(("đông bắc", "đông nam", "tây nam")),
                      g=r(2, 3), g2=r(4, 6), side=self.rng.choice(("Bắc", "Nam", "Tây")), dt=r(2, 6), w=r(10, 40),
                      r=r(1, 120), river=self.rng.choice(RIVERS), hh=r(1, 23), lv=r(10, 30), al=r(1, 3))
        return [line.format(**values) for line in BULLETIN]

    def copy(self, source: str, paragraphs: list[str], published: datetime) -> SyntheticArticle:
        rng = self.rng
        kept = list(paragraphs)
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            if len(kept) > 1:
                kept.pop(rng.randrange(len(kept)))
        share = sum(map(len, kept)) / sum(map(len, paragraphs))
        if rng.random() < 0.5:  # punctuation: commas dropped, dashes and quotes changed
            kept = [p.replace(",", "").replace(" - ", " – ").replace("“", '"').replace("”", '"') for p in kept]
        strip = rng.random()
        if strip < 0.3:
            kept = [strip_marks(p) for p in kept]
        elif strip < 0.5:
            kept = [strip_marks(p) if rng.random() < 0.5 else p for p in kept]
        farm = rng.choice(self.farms)
        title = self.title()
        wrapper = [FARM_INTRO.format(title=title, farm=farm.upper()),
                   *(line.format(title=title, other=self.title()) for line in FARM_LINES)]
        lines = [*wrapper, *kept, FARM_OUTRO.format(title=title, farm=farm.upper())]
        when = published + timedelta(minutes=rng.randint(5, 20_000))
        ident = f"<urn:uuid:{rng.getrandbits(128):032x}>"
        return SyntheticArticle(ident, farm, "copy", source, share, when, "\n\n".join(lines))
