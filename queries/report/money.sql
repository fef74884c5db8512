-- The largest money figures (đồng and USD ranked apart), as written and scaled, with their article.
SELECT base_unit AS currency, scaled_value AS amount, raw AS as_written, change, site, day, title, url
FROM article_figures
WHERE kind = 'money' AND scaled_value IS NOT NULL
  AND ($site::VARCHAR IS NULL OR site = $site) AND ($since::DATE IS NULL OR day >= $since)
QUALIFY row_number() OVER (PARTITION BY base_unit ORDER BY scaled_value DESC, article_id) <= 10
ORDER BY currency, amount DESC;
