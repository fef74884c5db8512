-- The WARC files that hold captures, with what they hold and whether all their rows are stored.
SELECT c.warc_file, count(*) AS captures, count(*) FILTER (revisit) AS revisits,
       min(timezone('Asia/Ho_Chi_Minh', c.fetched_at)) AS first_fetch_vn,
       max(timezone('Asia/Ho_Chi_Minh', c.fetched_at)) AS last_fetch_vn,
       any_value(w.run_id) AS run_id, any_value(w.warc_file) IS NOT NULL AS complete
FROM captures c
LEFT JOIN warc_files w USING (warc_file)
WHERE ($site::VARCHAR IS NULL OR c.site = $site)
  AND ($since::DATE IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', c.fetched_at) AS DATE) >= $since)
GROUP BY c.warc_file
ORDER BY c.warc_file;
