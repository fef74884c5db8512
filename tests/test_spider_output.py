"""crawler.extensions.spider_output: an output that yields nothing never reaches Scrapy's hundred tasks; any
other output reaches it whole and in order, and an error is Scrapy's errback's, as before."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from crawler.extensions.spider_output import skip_empty


def run(result: Any) -> tuple[list[list[Any]], list[Any]]:
    handled: list[list[Any]] = []
    errors: list[Any] = []

    async def handle(output: AsyncIterator[Any], request: Any, response: Any) -> None:
        handled.append([item async for item in output])

    handler = skip_empty(handle, lambda failure, request, response: errors.append(failure.value))
    asyncio.run(handler(result, "request", "response"))
    return handled, errors


def generator(*items: Any, error: Exception | None = None) -> Iterator[Any]:
    yield from items
    if error is not None:
        raise error


async def agenerator(*items: Any) -> AsyncIterator[Any]:
    for item in items:
        yield item


def test_an_empty_output_is_not_handed_on() -> None:
    assert run(generator()) == ([], [])
    assert run(agenerator()) == ([], [])
    assert run([]) == ([], [])


def test_an_output_is_handed_on_whole_and_in_order() -> None:
    assert run(generator(1, 2, 3)) == ([[1, 2, 3]], [])
    assert run(agenerator("a", "b")) == ([["a", "b"]], [])


def test_errors_go_to_the_errback() -> None:
    handled, errors = run(generator(error=ValueError("before any item")))
    assert handled == [] and [str(e) for e in errors] == ["before any item"]
    handled, errors = run(generator(1, error=ValueError("after one")))
    assert handled == [[1]] and [str(e) for e in errors] == ["after one"]
