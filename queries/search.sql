-- Search: articles holding every word of a query, best first (BM25), accents optional both ways
-- ('dang' finds Đảng, 'phu tho' finds Phú Thọ); "quoted words" must appear together, in order.
-- Needs the FTS extension: open the shell with `baotinh shell` or -init queries/init.sql. Without it, the
-- same call with search_articles_folded(…) matches folded words without an index (slower).
--
-- Parameters:
--   SET VARIABLE q = 'phu tho';              -- the words to find (required)
--   SET VARIABLE site = 'baophutho';         -- one site only (optional)
--   SET VARIABLE since = '2026-01-01';       -- published on or after this Vietnamese date (optional)
--   SET VARIABLE until = '2026-03-31';       -- published on or before (optional)
--   SET VARIABLE max_hits = 50;              -- at most this many articles (default: 20)
-- Run: .read queries/search.sql
SET VARIABLE baotinh_search_q = CASE WHEN getvariable('q') IS NULL
    THEN error('set the words to find first, e.g. SET VARIABLE q = ''phu tho'';') ELSE getvariable('q') END;
SELECT day, site, title, snippet, url, round(score, 4) AS score
FROM search_articles(getvariable('q'), site := getvariable('site'), since := getvariable('since'),
                     until := getvariable('until'), max_hits := coalesce(getvariable('max_hits'), 20));
