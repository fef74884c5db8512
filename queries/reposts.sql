-- Reposts: the same article text on several sites (content farms copying the provincial papers), the
-- first site to carry it, when, and every copy. Texts are compared folded (accents, case and punctuation
-- ignored); the extractor's Vietnamese rules have removed the farms' wrapper lines ("Bạn đang xem: …").
--
-- Parameters (optional):
--   SET VARIABLE min_sites = 3;     -- texts found on at least this many sites (default: 2)
--   SET VARIABLE min_chars = 500;   -- ignore texts shorter than this (default: 300)
-- Run: .read queries/reposts.sql
WITH texts AS (
    SELECT *, md5(trim(search_norm(text))) AS fingerprint, coalesce(published_at, fetched_at) AS seen_at
    FROM latest_articles
    WHERE length(text) >= coalesce(getvariable('min_chars'), 300)
)
SELECT fingerprint[:12] AS text_id,
       count(DISTINCT site) AS sites,
       count(*) AS copies,
       arg_min(site, seen_at) AS first_site,
       min(seen_at) AS first_seen,
       arg_min(title, seen_at) AS title,
       list(DISTINCT site ORDER BY site) AS all_sites,
       list(url ORDER BY seen_at) AS urls
FROM texts
GROUP BY fingerprint
HAVING count(DISTINCT site) >= coalesce(getvariable('min_sites'), 2)
ORDER BY sites DESC, first_seen DESC;
