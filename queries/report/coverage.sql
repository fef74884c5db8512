-- Articles per site and Vietnamese day (publication day; fetch day when undated).
SELECT site, day, count(*) AS articles
FROM latest_articles
WHERE ($site::VARCHAR IS NULL OR site = $site)
  AND ($since::DATE IS NULL OR day >= $since)
GROUP BY site, day
ORDER BY site, day;
