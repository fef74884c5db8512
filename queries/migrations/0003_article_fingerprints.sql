-- Version 2 → 3: articles get their near-duplicate fingerprint (the repost tables come from schema.sql).
-- Articles stored before this version have none until `baotinh index --rebuild` derives their rows again
-- from the WARC files; until then they are in no repost cluster (the refresh after each run says how many).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS fingerprint UINTEGER[];
