-- Every site of every run: the run, its Vietnamese start day, and the site's own counters and status
-- (runs.stats -> 'sites', written by crawler/run/stats.py).
SELECT r.run_id, r.command, r.status AS run_status,
       timezone('Asia/Ho_Chi_Minh', r.started_at) AS started_vn,
       CAST(timezone('Asia/Ho_Chi_Minh', r.started_at) AS DATE) AS day,
       s.key AS site,
       s.value ->> 'status' AS status,
       s.value ->> 'reason' AS reason,
       CAST(coalesce(s.value ->> 'pages', '0') AS BIGINT) AS pages,
       CAST(coalesce(s.value ->> 'articles', '0') AS BIGINT) AS articles,
       CAST(coalesce(s.value ->> 'errors', '0') AS BIGINT) AS errors,
       CAST(coalesce(s.value ->> 'bytes', '0') AS BIGINT) AS bytes,
       CAST(coalesce(s.value ->> 'not_modified', '0') AS BIGINT) AS not_modified,
       s.value -> 'error_reasons' AS error_reasons
FROM runs r, json_each(r.stats -> 'sites') s
WHERE ($site::VARCHAR IS NULL OR s.key = $site)
  AND ($since::DATE IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', r.started_at) AS DATE) >= $since)
ORDER BY r.started_at, s.key;
