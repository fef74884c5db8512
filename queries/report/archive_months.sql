-- WARC bytes per site and Vietnamese month of fetch (each record's gzip member, robots.txt and hops included).
SELECT coalesce(site, '(no site)') AS site,
       CAST(date_trunc('month', timezone('Asia/Ho_Chi_Minh', fetched_at)) AS DATE) AS month,
       count(*) AS captures, CAST(sum(warc_length) AS BIGINT) AS bytes
FROM captures
WHERE ($site::VARCHAR IS NULL OR site = $site)
  AND ($since::DATE IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', fetched_at) AS DATE) >= $since)
GROUP BY ALL
ORDER BY month, site;
