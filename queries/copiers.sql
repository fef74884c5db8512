-- Copiers: which sites copy which, how often and how fast. One row per (copied site, copying site): how many
-- of the first site's articles the second carried, how many copies credit their source, the typical and the
-- shortest delay after the original, and how alike the copies are (share of equal fingerprint values).
-- Built on the repost clusters (queries/reposts.sql lists the copies one by one).
--
-- Parameters (optional):
--   SET VARIABLE site = 'baophutho';     -- pairs with this site on either side
--   SET VARIABLE since = '2026-01-01';   -- originals first seen on or after this day (Vietnam), both days
--   SET VARIABLE until = '2026-12-31';   -- included
-- Run: .read queries/copiers.sql
SELECT c.original_site AS copied_site,
       r.site AS copier,
       count(DISTINCT c.cluster_id) AS articles,
       count(*) AS copies,
       count(*) FILTER (WHERE r.credits_original) AS credited,
       round(median(epoch(r.delay)) / 86400, 1) AS median_days,
       min(r.delay) AS fastest,
       round(avg(r.similarity), 2) AS similarity,
       CAST(vn_time(min(r.first_seen)) AS DATE) AS first_copy,
       CAST(vn_time(max(r.first_seen)) AS DATE) AS last_copy
FROM repost_clusters c
JOIN reposts r ON r.cluster_id = c.cluster_id AND NOT r.is_original
WHERE (getvariable('site') IS NULL OR getvariable('site') IN (c.original_site, r.site))
  AND (getvariable('since') IS NULL OR CAST(vn_time(c.first_seen) AS DATE) >= CAST(getvariable('since') AS DATE))
  AND (getvariable('until') IS NULL OR CAST(vn_time(c.first_seen) AS DATE) <= CAST(getvariable('until') AS DATE))
GROUP BY ALL
ORDER BY articles DESC, copied_site, copier;
