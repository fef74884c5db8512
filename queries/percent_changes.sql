-- Percent changes: every "tăng 12,3%" / "giảm 5%" the articles report, with what rose or fell and where,
-- largest first. (A percentage that is a level, "đạt 87,5%", has change = 'none' and is left out.)
--
-- Parameters (all optional):
--   SET VARIABLE change = 'decrease';     -- 'increase' or 'decrease' (default: both)
--   SET VARIABLE subject = 'xuat khau';   -- words of the subject or the sentence, accents optional
--   SET VARIABLE site = 'baophutho';      -- one site only
--   SET VARIABLE since = '2026-01-01';    -- Vietnamese dates of publication, both included
--   SET VARIABLE until = '2026-12-31';
-- Run: .read queries/percent_changes.sql
SELECT day, site, change, value AS percent, raw AS as_written, subject, title, sentence, url
FROM article_figures
WHERE kind = 'percent'
  AND change IN ('increase', 'decrease')
  AND (getvariable('change') IS NULL OR change = getvariable('change'))
  AND (getvariable('subject') IS NULL OR contains_words(coalesce(subject, '') || ' ' || sentence,
                                                        getvariable('subject')))
  AND (getvariable('site') IS NULL OR site = getvariable('site'))
  AND (getvariable('since') IS NULL OR day >= CAST(getvariable('since') AS DATE))
  AND (getvariable('until') IS NULL OR day <= CAST(getvariable('until') AS DATE))
ORDER BY value DESC, day DESC;
