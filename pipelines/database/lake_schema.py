"""queries/schema.sql as DuckLake takes it: the same tables, views and macros, written in one place.

What DuckLake (the extension of DuckDB 1.4.4) refuses, and what the translation does instead:

- `col VARCHAR PRIMARY KEY`: "PRIMARY KEY/UNIQUE constraints are not supported in DuckLake". The column is
  made without the constraint and the key remembered (`keys`): the store replaces rows by deleting the keys
  of the batch, then inserting it, in one transaction.
- `INSERT OR REPLACE`, `INSERT OR IGNORE`: "There are no UNIQUE/PRIMARY KEY constraints that refer to this
  table". Delete + insert (the store); the version row is inserted where its key is missing.
- `CREATE MACRO`: "DuckLake does not support functions". `CREATE TEMP MACRO`, made in every session that
  opens the catalog (`session`).
- `CREATE VIEW`: DuckLake stores views, but their bodies call the macros, which a session without them
  cannot bind. `CREATE TEMP VIEW` beside the macros: the lake holds plain tables that any DuckLake client
  reads, and each session gets the views of the baotinh it runs.

Indexes and sequences: schema.sql has none. A migration (`ALTER TABLE … ADD COLUMN`) passes through as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

TABLE_RE = re.compile(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)\s*\(", re.I)
KEY_RE = re.compile(r"^(\s*)(\w+)(\s+[\w\[\]]+)\s+PRIMARY\s+KEY\b", re.I | re.M)
MACRO_RE = re.compile(r"\bCREATE\s+OR\s+REPLACE\s+MACRO\b", re.I)
VIEW_RE = re.compile(r"\bCREATE\s+OR\s+REPLACE\s+VIEW\b", re.I)
IGNORE_RE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\s+(\w+)\s+VALUES\s*(\(.*\))\s*;?\s*$", re.I | re.S)
COMMENT_RE = re.compile(r"--[^\n]*")


class LakeSchemaError(ValueError):
    """A statement of schema.sql that has no DuckLake form yet: say how to write it."""


@dataclass
class LakeSchema:
    """`tables`: statements run once in the catalog; `session`: run in every session; `keys`: table -> key."""

    tables: list[str] = field(default_factory=list)
    session: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    first_is_key: dict[str, bool] = field(default_factory=dict)

    @property
    def tables_sql(self) -> str:
        return ";\n".join(self.tables) + ";\n" if self.tables else ""


def primary_keys(sql: str) -> dict[str, str]:
    """table -> its PRIMARY KEY column, as schema.sql declares them (one key column per table)."""
    keys = {}
    for statement in _statements(sql):
        table = TABLE_RE.search(_code(statement))
        if table:
            found = KEY_RE.findall(_code(statement))
            if found:
                keys[table[1]] = found[0][1]
    return keys


def lake_schema(sql: str) -> LakeSchema:
    """Translate schema.sql (or a migration) for a DuckLake catalog; see the module's table."""
    schema = LakeSchema()
    for statement in _statements(sql):
        code = _code(statement)
        table = TABLE_RE.search(code)
        if table:
            found = KEY_RE.findall(code)
            if found:
                schema.keys[table[1]] = found[0][1]
                first = re.match(r"\s*(\w+)", code[table.end():])
                schema.first_is_key[table[1]] = first is not None and first[1] == found[0][1]
            schema.tables.append(KEY_RE.sub(r"\1\2\3", statement).strip())
        elif MACRO_RE.search(code):
            schema.session.append(MACRO_RE.sub("CREATE OR REPLACE TEMP MACRO", statement, count=1).strip())
        elif VIEW_RE.search(code):
            schema.session.append(VIEW_RE.sub("CREATE OR REPLACE TEMP VIEW", statement, count=1).strip())
        elif insert := IGNORE_RE.search(code):
            schema.tables.append(_insert_missing(insert[1], insert[2], schema))
        elif re.search(r"\bOR\s+(REPLACE|IGNORE)\s+INTO\b|\bPRIMARY\s+KEY\b|\bUNIQUE\b|\bCREATE\s+(INDEX|SEQUENCE)\b",
                       code, re.I):
            raise LakeSchemaError(f"no DuckLake form for: {code.strip()[:80]}… (see pipelines/database/lake_schema.py)")
        else:
            schema.tables.append(statement.strip())
    return schema


def _insert_missing(table: str, values: str, schema: LakeSchema) -> str:
    # DuckDB names the columns of VALUES col0, col1, …: the key has to be the table's first column
    if not schema.first_is_key.get(table):
        raise LakeSchemaError(f"INSERT OR IGNORE INTO {table}: the table's first column is not its key")
    return (f"INSERT INTO {table} SELECT * FROM (VALUES {values.strip()}) v "
            f"WHERE v.col0 NOT IN (SELECT {schema.keys[table]} FROM {table})")


def _statements(sql: str) -> list[str]:
    return [s.query for s in duckdb.extract_statements(sql) if _code(s.query).strip()]


def _code(statement: str) -> str:
    return COMMENT_RE.sub("", statement)
