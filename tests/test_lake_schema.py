"""queries/schema.sql as DuckLake takes it (pipelines/database/lake_schema.py), and `baotinh nodes plan`'s
spread of the sites over nodes: no server needed."""

from __future__ import annotations

import pytest

from crawler.commands.nodes import assign
from crawler.registry import load_sites
from pipelines.database.lake_schema import LakeSchemaError, lake_schema, primary_keys
from pipelines.database.schema import schema_sql
from tests.conftest import run_baotinh


def test_every_key_of_the_schema_is_kept_and_no_constraint_reaches_the_lake() -> None:
    schema = lake_schema(schema_sql())
    assert schema.keys == primary_keys(schema_sql()) == {
        "schema_migrations": "version", "sites": "site", "runs": "run_id", "captures": "capture_id",
        "articles": "article_id", "warc_files": "warc_file", "search_docs": "article_id",
        "repost_nodes": "article_id", "repost_clusters": "cluster_id", "reposts": "article_id"}
    code = "\n".join(line.split("--")[0] for line in schema.tables_sql.splitlines())
    assert "PRIMARY KEY" not in code and "OR IGNORE" not in code and "MACRO" not in code and "VIEW" not in code
    session = [s.split("AS")[0] for s in schema.session]
    assert len(session) == 13 and all(" TEMP " in s for s in session)


@pytest.mark.parametrize("statement", [
    "CREATE UNIQUE INDEX x ON captures (url)",
    "CREATE SEQUENCE ids",
    "INSERT OR REPLACE INTO runs VALUES (1)",
])
def test_a_statement_without_a_ducklake_form_is_refused_by_name(statement: str) -> None:
    with pytest.raises(LakeSchemaError, match="no DuckLake form"):
        lake_schema(statement + ";")


def test_sites_stay_on_their_node_when_a_node_is_added() -> None:
    sites = sorted(load_sites())
    before = assign(sites, ["n1", "n2"])
    after = assign(sites, ["n1", "n2", "n3"])
    moved = {s for s in sites if before[s] != after[s]}
    assert moved and all(after[s] == "n3" for s in moved)  # only to the new node
    assert set(before.values()) == {"n1", "n2"} and assign(sites, ["n2", "n1"]) == before  # order-free


def test_the_plan_is_printed_without_asking_any_node() -> None:
    result = run_baotinh("nodes", "plan", "--node", "n1=http://127.0.0.1:9", "--node", "n2=http://127.0.0.1:10",
                         check=True)
    lines = result.stdout.splitlines()
    assert len(lines) == len(load_sites()) and all(line.split()[1] in ("n1", "n2") for line in lines)
    assert result.stderr.strip().startswith(f"{len(lines)} site(s) over 2 node(s): n1 ")
    bad = run_baotinh("nodes", "plan", "--node", "n1")
    assert bad.returncode == 2 and "expected NAME=URL" in bad.stderr
