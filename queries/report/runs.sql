-- Crawl health per run: pages fetched, errors, WARC bytes written, 304 answers and revisit records. With
-- $site, the site's own counters (runs.stats -> 'sites'); 304s and revisits are counted from the run's
-- captures, so they hold for index runs too.
WITH c AS (
    SELECT run_id, count(*) AS captures, count(*) FILTER (status = 304) AS not_modified,
           count(*) FILTER (revisit) AS revisits
    FROM captures
    WHERE $site::VARCHAR IS NULL OR site = $site
    GROUP BY run_id
),
r AS (
    SELECT *, CASE WHEN $site::VARCHAR IS NULL THEN NULL
                   ELSE json_extract(stats, '$.sites."' || $site::VARCHAR || '"') END AS one
    FROM runs
)
SELECT r.run_id, r.command, r.status, timezone('Asia/Ho_Chi_Minh', r.started_at) AS started_vn,
       round(epoch(r.finished_at - r.started_at), 1) AS seconds,
       CAST(coalesce(CASE WHEN $site::VARCHAR IS NULL
                          THEN coalesce(r.stats ->> 'response_received_count', r.stats ->> 'index/records')
                          ELSE r.one ->> 'pages' END, '0') AS BIGINT) AS pages,
       CAST(coalesce(CASE WHEN $site::VARCHAR IS NULL THEN r.stats ->> 'archive/bytes'
                          ELSE r.one ->> 'bytes' END, '0') AS BIGINT) AS bytes,
       coalesce(c.captures, 0) AS captures,
       coalesce(c.not_modified, 0) AS not_modified,
       coalesce(c.revisits, 0) AS revisits
FROM r
LEFT JOIN c USING (run_id)
WHERE ($since::DATE IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', r.started_at) AS DATE) >= $since)
  AND ($site::VARCHAR IS NULL OR c.run_id IS NOT NULL OR r.one IS NOT NULL)
ORDER BY r.started_at;
