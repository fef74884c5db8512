-- Extraction health per site: of the articles, how many have an author, a publication time to the minute
-- (a date alone is stored as 00:00 in Vietnam), photos, figures; and of the HTML pages fetched with a 2xx,
-- how many were judged articles and how many listings (home, categories, tags, search).
WITH a AS (
    SELECT site, article_id, author, published_at
    FROM latest_articles
    WHERE ($site::VARCHAR IS NULL OR site = $site) AND ($since::DATE IS NULL OR day >= $since)
),
per_site AS (
    SELECT site, count(*) AS articles,
           count(*) FILTER (author IS NOT NULL AND author <> '') AS with_author,
           count(*) FILTER (published_at IS NOT NULL
                            AND CAST(timezone('Asia/Ho_Chi_Minh', published_at) AS TIME) <> TIME '00:00:00')
               AS with_time,
           count(*) FILTER (article_id IN (SELECT article_id FROM images)) AS with_images,
           count(*) FILTER (article_id IN (SELECT article_id FROM figures)) AS with_figures
    FROM a GROUP BY site
),
pages AS (
    SELECT site, count(*) AS html_pages,
           count(*) FILTER (capture_id IN (SELECT capture_id FROM articles)) AS article_pages
    FROM captures
    WHERE status BETWEEN 200 AND 299 AND NOT revisit AND mime IN ('text/html', 'application/xhtml+xml')
      AND ($site::VARCHAR IS NULL OR site = $site)
      AND ($since::DATE IS NULL OR CAST(timezone('Asia/Ho_Chi_Minh', fetched_at) AS DATE) >= $since)
    GROUP BY site
)
SELECT coalesce(per_site.site, pages.site) AS site,
       coalesce(articles, 0) AS articles, coalesce(with_author, 0) AS with_author,
       coalesce(with_time, 0) AS with_time, coalesce(with_images, 0) AS with_images,
       coalesce(with_figures, 0) AS with_figures,
       coalesce(html_pages, 0) AS html_pages, coalesce(article_pages, 0) AS article_pages
FROM per_site
FULL JOIN pages USING (site)
WHERE coalesce(per_site.site, pages.site) IS NOT NULL
ORDER BY site;
