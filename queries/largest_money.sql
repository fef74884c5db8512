-- The largest money figures: which articles gave the biggest sums, in đồng or USD, as written and scaled.
-- A figure that is the size of a change (tăng/giảm …) says so in `change`.
--
-- Parameters (all optional):
--   SET VARIABLE currency = 'đồng';       -- base unit: 'đồng' or 'USD' (default: both, each ranked apart)
--   SET VARIABLE site = 'baophutho';      -- one site only
--   SET VARIABLE since = '2026-01-01';    -- Vietnamese dates of publication, both included
--   SET VARIABLE until = '2026-12-31';
--   SET VARIABLE top = 20;                -- how many per currency (default 20)
-- Run: .read queries/largest_money.sql
SELECT base_unit AS currency, scaled_value AS amount, raw AS as_written, change, subject, site, day, title,
       sentence, url
FROM article_figures
WHERE kind = 'money'
  AND scaled_value IS NOT NULL
  AND (getvariable('currency') IS NULL OR base_unit = getvariable('currency'))
  AND (getvariable('site') IS NULL OR site = getvariable('site'))
  AND (getvariable('since') IS NULL OR day >= CAST(getvariable('since') AS DATE))
  AND (getvariable('until') IS NULL OR day <= CAST(getvariable('until') AS DATE))
QUALIFY row_number() OVER (PARTITION BY base_unit ORDER BY scaled_value DESC) <= coalesce(getvariable('top'), 20)
ORDER BY currency, amount DESC;
