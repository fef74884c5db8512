-- The most frequent units of each site's figures (the base unit; else the unit as written, else the kind).
SELECT site, unit, figures
FROM (
    SELECT site, coalesce(base_unit, unit, kind) AS unit, count(*) AS figures
    FROM article_figures
    WHERE ($site::VARCHAR IS NULL OR site = $site) AND ($since::DATE IS NULL OR day >= $since)
    GROUP BY 1, 2
)
QUALIFY row_number() OVER (PARTITION BY site ORDER BY figures DESC, unit) <= 8
ORDER BY site, figures DESC, unit;
