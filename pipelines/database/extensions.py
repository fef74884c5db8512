"""DuckDB extensions from the pinned `duckdb-ext-*` packages: nothing is downloaded at run time.

The `duckdb` wheel bundles neither FTS nor DuckLake nor the Postgres scanner, and this project's machines
cannot download them. The `duckdb-ext-fts`, `duckdb-ext-ducklake` and `duckdb-ext-postgres` packages ship them
as `duckdb_ext/extensions/vX.Y.Z/PLATFORM/NAME.duckdb_extension`, so `SET extension_directory` to that
`extensions` folder makes `LOAD NAME` work offline. BAOTINH_DUCKDB_EXTENSIONS overrides the folder
(queries/init.sql reads the same variable).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import duckdb

ENV_EXTENSIONS = "BAOTINH_DUCKDB_EXTENSIONS"
# the file an extension's LOAD name is stored under, where the two differ
FILES = {"postgres": "postgres_scanner"}
NAMES = {"fts": "FTS", "ducklake": "DuckLake", "postgres": "Postgres"}  # as messages write them


def extension_directory() -> Path | None:
    """The `extensions` folder of the duckdb-ext-* packages (or $BAOTINH_DUCKDB_EXTENSIONS)."""
    override = os.environ.get(ENV_EXTENSIONS)
    if override:
        return Path(override)
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "extensions"
        if folder.is_dir():
            return folder
    return None


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """LOAD `name` from the packages; None when loaded, else why not (one line naming the package)."""
    folder = extension_directory()
    package = f"duckdb-ext-{name}"
    if folder is None:
        return f"the {package} package is not installed"
    # never try the network: offline it only costs time, and the package is the version we pinned
    con.execute("SET autoinstall_known_extensions = false")
    con.execute(f"SET extension_directory = '{quote(str(folder))}'")
    try:
        con.execute(f"LOAD {name}")
    except duckdb.Error as e:
        found = any(folder.glob(f"*/*/{FILES.get(name, name)}.duckdb_extension"))
        hint = "" if found else f" (install the {package} package)"
        return f"cannot load the {NAMES.get(name, name)} extension from {folder}{hint}: {str(e).splitlines()[0]}"
    return None


def quote(text: str) -> str:
    """`text` inside a single-quoted SQL string."""
    return text.replace("'", "''")
