-- Version 1 → 2: captures learn which site they belong to; figures get value_to.
-- (New tables, views and macros of version 2 come from schema.sql, which runs right after this.)
-- Captures stored before this version get the site of the article extracted from them, when there is
-- one; `baotinh index --rebuild` fills in the rest from the WARC files.
ALTER TABLE captures ADD COLUMN IF NOT EXISTS site VARCHAR;
UPDATE captures SET site = a.site FROM articles a WHERE a.capture_id = captures.capture_id AND captures.site IS NULL;
-- Figures learn the upper end of a range (some version-1 databases were made before it existed).
ALTER TABLE figures ADD COLUMN IF NOT EXISTS value_to DOUBLE;
