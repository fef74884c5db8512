-- Start the DuckDB shell on a baotinh database with full-text search ready:
--
--     .venv/bin/duckdb -init queries/init.sql data/baotinh.duckdb      (from the repository's folder)
--     baotinh shell                                                    (from anywhere)
--
-- DuckDB's FTS extension cannot be downloaded here; the duckdb-ext-fts Python package ships it, and the shell
-- finds it only once `extension_directory` points at the package's `extensions` folder. This file looks for
-- that folder in $BAOTINH_DUCKDB_EXTENSIONS (`baotinh shell` sets it), in the active virtualenv
-- ($VIRTUAL_ENV), then in ./.venv; the shell then loads FTS by itself when `search_articles(…)` needs it.
-- When none has it, one error line says so, and `search_articles_folded(…)` still searches (more slowly).
-- It also shows times in Vietnamese time (TIMESTAMPTZ columns follow the shell's TimeZone).
SET VARIABLE baotinh_fts = (
    SELECT regexp_replace(file, '/[^/]+/[^/]+/fts\.duckdb_extension$', '')
    FROM (
        SELECT 1 AS rank, file
        FROM glob(coalesce(nullif(getenv('BAOTINH_DUCKDB_EXTENSIONS'), ''), '/nonexistent')
                  || '/' || version() || '/*/fts.duckdb_extension')
        UNION ALL
        SELECT 2, file
        FROM glob(coalesce(nullif(getenv('VIRTUAL_ENV'), ''), '/nonexistent')
                  || '/lib/python3*/site-packages/duckdb_ext/extensions/' || version() || '/*/fts.duckdb_extension')
        UNION ALL
        SELECT 3, file
        FROM glob('.venv/lib/python3*/site-packages/duckdb_ext/extensions/' || version() || '/*/fts.duckdb_extension')
    )
    ORDER BY rank
    LIMIT 1
);
SET VARIABLE baotinh_fts_found = CASE WHEN getvariable('baotinh_fts') IS NULL THEN error(
    'baotinh: FTS extension not found: start the shell from the baotinh folder, use `baotinh shell`, or set '
    || 'BAOTINH_DUCKDB_EXTENSIONS to the extensions folder of the duckdb-ext-fts package; '
    || 'search_articles_folded(…) works without it') ELSE true END;
SET extension_directory = coalesce(getvariable('baotinh_fts'), current_setting('extension_directory'));
-- the package is the pinned version: never try to download another
SET autoinstall_known_extensions = getvariable('baotinh_fts') IS NULL;
SET TimeZone = 'Asia/Ho_Chi_Minh';
