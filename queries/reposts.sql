-- Reposts: articles found on several sites (content farms copying the provincial papers). One row per copy:
-- the original it copies (the credited article, else the earliest published; `evidence` says which), the copy's
-- site, how long after the original it appeared and how alike the two are (share of equal fingerprint values:
-- 1 is the same words; 0.45 is the least a copy has; a copy that wraps the text in its own lines or drops a
-- paragraph scores lower). Clusters are made after each crawl and index run (table repost_clusters).
--
-- Parameters (optional):
--   SET VARIABLE site = 'baophutho';     -- clusters with an article of this site, as original or copy
--   SET VARIABLE since = '2026-01-01';   -- originals first seen on or after this day (Vietnam; publication,
--   SET VARIABLE until = '2026-03-31';   -- else first capture), both days included
--   SET VARIABLE min_sites = 3;          -- clusters on at least this many sites (default: 2)
-- Run: .read queries/reposts.sql
SELECT c.cluster_id,
       CAST(vn_time(c.first_seen) AS DATE) AS original_day,
       c.original_site,
       o.title,
       c.evidence,
       r.site AS copy_site,
       r.delay,
       round(r.similarity, 2) AS similarity,
       r.credits_original AS credits,
       o.url AS original_url,
       r.url AS copy_url
FROM repost_clusters c
JOIN articles o ON o.article_id = c.original_article_id
JOIN reposts r ON r.cluster_id = c.cluster_id AND NOT r.is_original
WHERE c.sites >= coalesce(getvariable('min_sites'), 2)
  AND (getvariable('site') IS NULL
       OR c.cluster_id IN (SELECT cluster_id FROM reposts WHERE site = getvariable('site')))
  AND (getvariable('since') IS NULL OR CAST(vn_time(c.first_seen) AS DATE) >= CAST(getvariable('since') AS DATE))
  AND (getvariable('until') IS NULL OR CAST(vn_time(c.first_seen) AS DATE) <= CAST(getvariable('until') AS DATE))
ORDER BY c.first_seen DESC, c.cluster_id, r.delay, r.site, r.article_id;
