-- Articles per site and month: how much each site published (by Vietnamese publication month; fetch month
-- when undated), how many carried a date, how many authors signed, and words written.
--
-- Parameters (optional):
--   SET VARIABLE site = 'baophutho';     -- one site only
--   SET VARIABLE since = '2026-01-01';   -- months from this date on
-- Run: .read queries/articles_by_month.sql
SELECT site, site_name, province, month, articles, dated, authors, words
FROM articles_by_site_month
WHERE (getvariable('site') IS NULL OR site = getvariable('site'))
  AND (getvariable('since') IS NULL OR month >= date_trunc('month', CAST(getvariable('since') AS DATE)))
ORDER BY site, month;
