-- Crawl and index runs, newest first, with their counters: pages fetched (or records read), captures and
-- articles stored, errors, WARC bytes written, and how long they took. The full counters are in `stats`;
-- one run's, as rows:  SELECT key, value FROM runs, json_each(stats) WHERE run_id = '…';
--
-- Parameters (optional):
--   SET VARIABLE command = 'crawl';   -- crawl, index or demo (default: every run)
--   SET VARIABLE max_runs = 50;       -- how many runs (default: 20)
-- Run: .read queries/runs.sql
SELECT run_id, command, status, started_at, seconds, pages, captures, articles, errors, warc_bytes
FROM run_summary
WHERE getvariable('command') IS NULL OR command = getvariable('command')
ORDER BY started_at DESC
LIMIT coalesce(getvariable('max_runs'), 20);
