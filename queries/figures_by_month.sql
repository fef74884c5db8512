-- Figures about a subject by month: the numbers articles give about, say, "xuất khẩu" or "xã", per
-- Vietnamese calendar month, site, kind and unit, with totals and an example as written.
--
-- Parameters (all optional):
--   SET VARIABLE subject = 'xuat khau';   -- words of figures.subject, accents optional (default: every figure)
--   SET VARIABLE kind = 'money';          -- count, percent, money, area, mass, … (default: every kind)
--   SET VARIABLE site = 'baophutho';      -- one site only
-- To match the whole sentence instead of the counted noun phrase, replace `subject` by `sentence` in WHERE.
-- Run: .read queries/figures_by_month.sql
SELECT CAST(date_trunc('month', day) AS DATE) AS month, site, kind, base_unit,
       count(*) AS figures,
       count(DISTINCT article_id) AS articles,
       sum(scaled_value) AS total,
       median(scaled_value) AS median,
       arg_max(raw, scaled_value) AS largest_as_written,
       arg_max(subject, scaled_value) AS largest_subject
FROM article_figures
WHERE (getvariable('subject') IS NULL OR contains_words(subject, getvariable('subject')))
  AND (getvariable('kind') IS NULL OR kind = getvariable('kind'))
  AND (getvariable('site') IS NULL OR site = getvariable('site'))
GROUP BY ALL
ORDER BY month, site, kind, base_unit;
