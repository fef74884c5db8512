-- The sites the report covers: those of the database, or the one asked for.
SELECT site, name, province, kind FROM sites
WHERE $site::VARCHAR IS NULL OR site = $site
UNION
SELECT DISTINCT site, site, NULL, NULL FROM captures
WHERE site IS NOT NULL AND site NOT IN (SELECT site FROM sites) AND ($site::VARCHAR IS NULL OR site = $site)
ORDER BY site;
