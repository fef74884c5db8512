-- Latest articles per site: the newest N articles of each site (publication time; fetch time when undated).
--
-- Parameters (optional; variables stay set for the session, RESET VARIABLE site clears one):
--   SET VARIABLE site = 'baophutho';   -- one site only (default: every site)
--   SET VARIABLE per_site = 5;         -- articles per site (default: 10)
-- Run: .read queries/latest_per_site.sql   (in `baotinh shell`)
--      .venv/bin/duckdb -init queries/init.sql data/baotinh.duckdb -f queries/latest_per_site.sql
SELECT site, day, vn_time(published_at) AS published_vn, title, author, source_credit, url
FROM latest_articles
WHERE getvariable('site') IS NULL OR site = getvariable('site')
QUALIFY row_number() OVER (PARTITION BY site ORDER BY coalesce(published_at, fetched_at) DESC, article_id)
        <= coalesce(getvariable('per_site'), 10)
ORDER BY site, coalesce(published_at, fetched_at) DESC, article_id;
