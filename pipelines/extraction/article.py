"""The article record that extraction produces and the store writes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Image:
    """A photo of the article with its caption and photo credit ("Ảnh: Minh Hương" -> "Minh Hương")."""

    src: str
    caption: str | None = None
    credit: str | None = None


@dataclass
class Article:
    """One extracted article. `text` keeps paragraphs separated by a blank line.

    `doubt` says why the page was kept although some evidence said it lists other pages ("og:type
    website-1, teasers 0.55-3, …"); None when nothing spoke against it.
    """

    url: str
    title: str | None
    text: str
    lead: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    source_credit: str | None = None
    images: list[Image] = field(default_factory=list)
    extractor: str = ""
    doubt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["images"] = [Image(**i) if isinstance(i, dict) else i for i in data.get("images") or []]
        return cls(**data)
