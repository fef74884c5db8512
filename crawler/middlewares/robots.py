"""RobotsTxt: Scrapy's RobotsTxtMiddleware, with every request that waits for a host's robots.txt checked.

Scrapy 2.19 lets requests through unchecked while a host's robots.txt is being fetched: each waiting request
awaits the host's one pending Deferred (`maybe_deferred_to_future`), and a Deferred turned into a future that
way passes None down its chain, so the first waiter gets the parser and every later one gets None, which
Scrapy reads as "no robots.txt: allow all". A photo host that an article's several photos reach at once (the
page requisites, crawler.extensions.requisites) showed it: a path its robots.txt disallows was fetched.
Here each waiter gets a Deferred of its own that the host's Deferred fires, as Scrapy did before 2.13.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.robotstxt import RobotParser


class RobotsTxt(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)  # parsed already, or this request fetches it
        mine: Deferred[RobotParser | None] = Deferred()

        def forward(parser: RobotParser | None) -> RobotParser | None:
            mine.callback(parser)
            return parser  # for the next waiter

        pending.addCallback(forward)
        return await maybe_deferred_to_future(mine)
