-- Captures of a URL: every time it was fetched (redirect hops included), oldest first, with the WARC file,
-- offset and length of the record, so the page can be read back exactly as it was served.
--
-- Parameters:
--   SET VARIABLE url = 'https://baophutho.vn/tinh-trien-khai-100001.html';   -- required; % and _ are
--                                                                            -- LIKE wildcards: '%100001%'
-- The extract_command column prints the page as served (run it in the data directory).
-- Run: .read queries/captures_of_url.sql
SET VARIABLE baotinh_captures_url = CASE WHEN getvariable('url') IS NULL
    THEN error('set the URL first, e.g. SET VARIABLE url = ''%/kinh-te/%'';') ELSE getvariable('url') END;
SELECT fetched_at, status, mime, revisit, url, warc_file, warc_offset, warc_length, payload_digest, run_id,
       'warcio extract --payload warc/' || warc_file || ' ' || warc_offset AS extract_command
FROM captures
WHERE url LIKE getvariable('url')
ORDER BY fetched_at, url;
