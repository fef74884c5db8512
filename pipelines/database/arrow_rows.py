"""Table rows as Arrow tables, the form the store inserts: made where the rows are derived, or by the store.

`baotinh index` has its workers turn each run of records into Arrow tables (`as_tables`): an Arrow table
is pickled as its buffers, where a list of row dicts is pickled and unpickled value by value, and the
indexing process, which also walks the files and writes the database, is left nothing to convert. The
rows and their values are the same either way; only where the conversion runs differs. This module needs
pyarrow alone (no DuckDB), so a worker that imports it loads no more than that.

>>> tables = as_tables({"captures": [{"capture_id": "<urn:uuid:1>", "status": 200}]})
>>> joined([tables["captures"], [{"capture_id": "<urn:uuid:2>", "status": 304}]]).num_rows
2
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

Rows = list[dict[str, Any]] | pa.Table  # one table's rows, as dicts or as Arrow

# Arrow's own allocator (mimalloc) keeps what a batch's tables freed, for later: ~20 MB more while the store writes
# a batch and held between batches, in the crawl process. The C library's gives it back (bench/bench_memory.py);
# the conversions are as fast with it. Set here, for every process that makes or writes rows.
pa.set_memory_pool(pa.system_memory_pool())


def to_arrow(rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as an Arrow table, each instant in UTC (TIMESTAMPTZ keeps the instant, not the zone).

    Arrow reads every aware datetime as its instant, whatever its zone, and names the column's zone after the
    first value's: the column is then labelled UTC, which changes no value. Done per column, not per row
    (a Python pass over every value of every row cost more than Arrow's conversion itself: `figures` has
    some fifty rows an article)."""
    table = pa.Table.from_pylist(rows)
    for i, column in enumerate(table.schema):
        kind = column.type
        if pa.types.is_timestamp(kind) and kind.tz is not None and kind.tz != "UTC":
            # a timestamp's values are its instants whatever its zone: relabelled, not cast (no pyarrow.compute)
            utc = pa.timestamp(kind.unit, "UTC")
            relabelled = pa.chunked_array([chunk.view(utc) for chunk in table.column(i).chunks], utc)
            table = table.set_column(i, column.name, relabelled)
    return table


class Scan:
    """`table` as DuckDB is to scan it once: `con.register("_batch", Scan(table))`, then one statement that reads
    `_batch`. DuckDB reads a pyarrow Table through pyarrow.dataset, whose import loads pyarrow's compute, dataset,
    Parquet and S3 modules (~30-40 MB of a crawl process's RSS: the crawl needs none of them); an object that
    offers only the Arrow C stream is read as that stream, the same columns and values, but once: DuckDB takes
    the stream when the name is registered, and a second scan of it fails."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.table.__arrow_c_stream__(requested_schema)


def as_tables(batch: Mapping[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    """Each table's rows as one Arrow table (tables without rows left out)."""
    return {table: to_arrow(rows) for table, rows in batch.items() if rows}


def joined(parts: Sequence[Rows]) -> Rows:
    """Parts of one table's rows, in order, as one: a list when every part is one, else an Arrow table.

    Parts made apart may disagree on a column's Arrow type where it does not matter to the table: a column
    whose values were all None in one part (null), whole numbers in one and fractions in another (int64 and
    double). They are widened to the type that holds both, as one conversion of all the rows would have.
    """
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(part, list) for part in parts):
        return [row for part in parts for row in part]
    tables = [part if isinstance(part, pa.Table) else to_arrow(part) for part in parts]
    return pa.concat_tables(tables, promote_options="permissive")
