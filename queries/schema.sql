-- baotinh schema: the one place the tables, views and macros are written.
--
-- The store runs this file whenever it opens the database for writing, so every statement is idempotent:
-- tables are CREATE … IF NOT EXISTS, views and macros CREATE OR REPLACE with the same definition, and the
-- version row is inserted once. Running it again on an existing database changes nothing.
--
-- Schema version: 3 (recorded in schema_migrations). Version 1 was the first release (no sites, no
-- captures.site); version 2 had no fingerprints and no repost clusters. A change to an existing table is a new numbered file in queries/migrations/, applied once
-- by pipelines/database/schema.py before this file runs; this file always describes the latest version.
--
-- Times are TIMESTAMPTZ (an instant). The shell shows them in its TimeZone setting; queries/init.sql sets
-- 'Asia/Ho_Chi_Minh'. Days and months below are Vietnamese local dates (UTC+7), whatever the setting.
-- The `search_articles` macro and the fts_main_search_docs schema are not here: they need the FTS extension
-- and are made by pipelines/database/search_index.py after each crawl or index run.

-- The schema versions this database has reached.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,  -- schema version reached
    applied_at  TIMESTAMPTZ,          -- when this database reached it
    description VARCHAR               -- what the version brought
);

-- One row per news site seen by a crawl or an index run: the registry entry as it was used.
CREATE TABLE IF NOT EXISTS sites (
    site            VARCHAR PRIMARY KEY,  -- slug in crawler/sites.toml, or host[-port] for a --start-url site
    name            VARCHAR,              -- "Báo Phú Thọ" (the host for a --start-url site)
    province        VARCHAR,              -- "Phú Thọ"; NULL for sites without one (content farms, --start-url)
    kind            VARCHAR,              -- paper or content-farm
    domains         VARCHAR[],            -- hosts the site owns, subdomains included; "host:port" binds a port
    start_urls      VARCHAR[],            -- where crawls of the site begin
    feeds           VARCHAR[],            -- RSS/Atom feeds given by the registry
    sitemaps        VARCHAR[],            -- sitemaps given by the registry (beyond robots.txt and /sitemap.xml)
    article_pattern VARCHAR,              -- regex that marks article URLs; NULL: the page's metadata decides
    updated_at      TIMESTAMPTZ           -- when this row was last written
);

-- One row per crawl or index run.
CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,  -- e.g. 20261128T031500Z-4f2a
    command     VARCHAR,              -- crawl, index, demo
    started_at  TIMESTAMPTZ,          -- when the run began
    finished_at TIMESTAMPTZ,          -- NULL while running or when the run was killed
    status      VARCHAR,              -- running, finished, failed, interrupted, …
    stats       JSON                  -- counters of the run (pages, articles, errors, bytes, per site)
);

-- One row per WARC response or revisit record: every fetch, redirect hops and robots.txt included.
CREATE TABLE IF NOT EXISTS captures (
    capture_id     VARCHAR PRIMARY KEY,  -- WARC-Record-ID of the response record, <urn:uuid:…>
    run_id         VARCHAR,              -- → runs.run_id: the crawl that fetched it, or the index run that read it
    url            VARCHAR,              -- WARC-Target-URI
    status         INTEGER,              -- HTTP status
    mime           VARCHAR,              -- Content-Type without parameters
    fetched_at     TIMESTAMPTZ,          -- WARC-Date: when the request was sent
    warc_file      VARCHAR,              -- file name under warc/
    warc_offset    BIGINT,               -- byte offset of the record's gzip member in warc_file
    warc_length    BIGINT,               -- length of that gzip member
    payload_digest VARCHAR,              -- WARC-Payload-Digest (sha1, base32) of the body as served
    revisit        BOOLEAN,              -- true for a revisit record (body stored in an earlier capture)
    site           VARCHAR               -- → sites.site: the site whose domains hold url
);

-- One row per page the extractor judged to be an article.
CREATE TABLE IF NOT EXISTS articles (
    article_id    VARCHAR PRIMARY KEY,  -- equals the capture_id of the response it was extracted from
    url           VARCHAR,              -- the page's URL after redirects (captures.url)
    site          VARCHAR,              -- → sites.site
    title         VARCHAR,              -- headline
    lead          VARCHAR,              -- sapo / summary
    author        VARCHAR,              -- a person's name, or NULL
    published_at  TIMESTAMPTZ,          -- publication time the page gives (dates without a time: 00:00 UTC+7)
    text          VARCHAR,              -- body text, paragraphs separated by a blank line
    source_credit VARCHAR,              -- "PTĐT", "Theo TTXVN", …
    capture_id    VARCHAR,              -- → captures.capture_id
    extractor     VARCHAR,              -- version of the extractor that made this row
    fetched_at    TIMESTAMPTZ,          -- when the page was fetched (captures.fetched_at)
    fingerprint   UINTEGER[]            -- MinHash of the text's 8-word shingles, folded (pipelines/reposts):
                                        -- 128 values; [] for texts under 40 shingles; NULL: stored before
                                        -- schema version 3 (`baotinh index --rebuild` makes it)
);

-- One row per number found in an article's text.
CREATE TABLE IF NOT EXISTS figures (
    article_id   VARCHAR,               -- → articles.article_id
    value        DOUBLE,                -- the number as written, normalised: "4.125,6" → 4125.6
    value_to     DOUBLE,                -- upper end of a range or span, a ratio's denominator, a rank's "out of"
    unit         VARCHAR,               -- as written: "tỷ đồng"
    scaled_value DOUBLE,                -- value × magnitude: 4.1256e12
    base_unit    VARCHAR,               -- "đồng"
    kind         VARCHAR,               -- count, percent, money, area, length, mass, volume, power, energy,
                                        -- temperature, age, rate, multiple, duration, ratio, date, year, time, rank
                                        -- (pipelines/figures/find.py KINDS; a range keeps the kind of what it measures)
    change       VARCHAR,               -- increase, decrease or none
    subject      VARCHAR,               -- the counted noun phrase: "đơn vị hành chính cấp xã"
    raw          VARCHAR,               -- the text as it appears
    sentence     VARCHAR,               -- the sentence it appears in
    char_start   INTEGER,               -- where raw starts in articles.text (character offset)
    char_end     INTEGER                -- where it ends (exclusive)
);

-- One row per photo of an article.
CREATE TABLE IF NOT EXISTS images (
    article_id VARCHAR,                 -- → articles.article_id
    src        VARCHAR,                 -- image URL as the page gives it
    caption    VARCHAR,                 -- caption text
    credit     VARCHAR                  -- photographer: "Ảnh: Minh Hương" → "Minh Hương"
);

-- One row per WARC file whose records are all in the tables (by the crawl that wrote it, or by
-- `baotinh index`). `baotinh index` reads only the files not listed here, unless --rebuild.
CREATE TABLE IF NOT EXISTS warc_files (
    warc_file  VARCHAR PRIMARY KEY,     -- file name under warc/
    run_id     VARCHAR,                 -- → runs.run_id of the crawl or index run that stored its rows
    captures   BIGINT,                  -- response and revisit records in the file
    articles   BIGINT,                  -- articles extracted from them
    indexed_at TIMESTAMPTZ              -- when its rows were stored
);

-- The folded text that full-text search indexes: one row per article of latest_articles. Rebuilt by
-- pipelines/database/search_index.py after each crawl or index run; FTS builds fts_main_search_docs over it.
CREATE TABLE IF NOT EXISTS search_docs (
    article_id VARCHAR PRIMARY KEY,     -- → articles.article_id
    site       VARCHAR,                 -- → sites.site
    day        DATE,                    -- Vietnamese date of published_at (fetched_at when undated)
    title      VARCHAR,                 -- fold(title)
    body       VARCHAR,                 -- fold(lead and text)
    doc_hash   UBIGINT                  -- hash of what was folded: a changed article is re-indexed
);

-- Repost clusters: the same article on several sites. Made from articles.fingerprint after each crawl and
-- index run (pipelines/database/repost_index.py); the same articles always give the same rows.
-- The LSH index: one row per article of latest_articles with a fingerprint.
CREATE TABLE IF NOT EXISTS repost_nodes (
    article_id VARCHAR PRIMARY KEY,     -- → articles.article_id
    site       VARCHAR,                 -- → sites.site
    fp_hash    UBIGINT,                 -- hash of the fingerprint: a changed one is indexed again
    meta_hash  UBIGINT,                 -- hash of what the choice of an original reads (dates, credit, site)
    buckets    UBIGINT[],               -- the fingerprint's 42 band keys (pipelines/reposts/lsh.py)
    component  VARCHAR                  -- smallest article_id of its cluster's articles; NULL: no copy known
);

-- Pairs of articles of two sites whose fingerprints share a band key and are at least 0.45 alike.
CREATE TABLE IF NOT EXISTS repost_edges (
    article_a  VARCHAR,                 -- → articles.article_id, the smaller id of the two
    article_b  VARCHAR,                 -- → articles.article_id
    similarity DOUBLE                   -- share of equal fingerprint values: estimated Jaccard similarity
);

-- One row per cluster: articles linked by copy pairs (connected), two or more.
CREATE TABLE IF NOT EXISTS repost_clusters (
    cluster_id          VARCHAR PRIMARY KEY,  -- 16 hex digits of sha1(original_article_id)
    original_article_id VARCHAR,              -- → articles.article_id: the article the others copy
    original_site       VARCHAR,              -- → sites.site of the original
    articles            INTEGER,              -- articles in the cluster, the original included
    sites               INTEGER,              -- distinct sites among them
    first_seen          TIMESTAMPTZ,          -- the original's publication time (its first capture if undated)
    last_seen           TIMESTAMPTZ,          -- the latest copy's, the same way
    evidence            VARCHAR,              -- why the original: credit (a copy names its site), published
                                              -- (earliest publication time) or captured (earliest capture)
    credit              VARCHAR               -- the copy's source credit that named it, when evidence = credit
);

-- One row per article of a cluster, the original included.
CREATE TABLE IF NOT EXISTS reposts (
    article_id       VARCHAR PRIMARY KEY,  -- → articles.article_id
    cluster_id       VARCHAR,              -- → repost_clusters.cluster_id
    site             VARCHAR,              -- → sites.site
    url              VARCHAR,              -- the article's URL
    is_original      BOOLEAN,              -- true for the cluster's original
    similarity       DOUBLE,               -- to the original: share of equal fingerprint values (1 for it)
    first_seen       TIMESTAMPTZ,          -- publication time, else the first capture of its URL
    delay            INTERVAL,             -- first_seen − the original's (negative: dated before it)
    credits_original BOOLEAN               -- its source credit names the original's site
);

-- ---- macros --------------------------------------------------------------------------------------------

-- The instant as Vietnamese wall-clock time (TIMESTAMP without zone): vn_time(published_at).
CREATE OR REPLACE MACRO vn_time(ts) AS timezone('Asia/Ho_Chi_Minh', ts);

-- Accent folding for Vietnamese: lower case, tones and marks removed, đ/Đ → d (strip_accents alone keeps đ).
-- fold('Đảng bộ tỉnh Phú Thọ') = 'dang bo tinh phu tho'. Keeps the length of NFC text, so positions carry over.
CREATE OR REPLACE MACRO fold(s) AS strip_accents(lower(replace(replace(s, 'Đ', 'd'), 'đ', 'd')));

-- The search terms of a query: folded words of letters and digits, as the full-text index splits text.
CREATE OR REPLACE MACRO search_terms(q) AS
    list_filter(string_split_regex(regexp_replace(fold(q), '[^a-z0-9]+', ' ', 'g'), ' '), t -> t <> '');

-- Folded text as ' w1  w2  w3 ' (two spaces between words): word and phrase tests become plain contains().
CREATE OR REPLACE MACRO search_norm(s) AS
    '  ' || regexp_replace(fold(coalesce(s, '')), '[^a-z0-9]+', '  ', 'g') || '  ';

-- True when the words of `words` appear together, in order, in `txt` (accents and punctuation ignored):
-- contains_words('Tỉnh Phú Thọ có 225 xã', 'phu tho') = true, contains_words(…, 'tho co 225') = true.
CREATE OR REPLACE MACRO contains_words(txt, words) AS
    contains(search_norm(txt), ' ' || trim(search_norm(words)) || ' ');

-- True when every "quoted phrase" of the query appears in `txt` (see contains_words).
CREATE OR REPLACE MACRO search_phrases_match(txt, q) AS
    list_bool_and(list_transform(
        list_filter(regexp_extract_all(q, '"([^"]+)"', 1), p -> len(search_terms(p)) > 0),
        p -> contains_words(txt, p)
    )) IS NOT FALSE;

-- About `width` characters of `txt` around the query's words, cut at spaces, … where cut.
CREATE OR REPLACE MACRO search_snippet(txt, q, width := 220) AS (
    WITH src AS (SELECT regexp_replace(nfc_normalize(coalesce(txt, '')), '\s+', ' ', 'g') AS t),
    found AS (
        -- fold() keeps the length of NFC text and the a-z0-9 mask keeps it too: positions carry over to t
        -- centred on the first "quoted phrase" found, else on the first query word found
        SELECT t, greatest(1, coalesce(
                   list_min(list_filter(list_transform(
                       list_transform(regexp_extract_all(q, '"([^"]+)"', 1), p -> array_to_string(search_terms(p), ' ')),
                       p -> CASE WHEN p = '' THEN 0 ELSE strpos(m, ' ' || p || ' ') END), x -> x > 0)),
                   list_min(list_filter(list_transform(search_terms(q), w -> strpos(m, ' ' || w || ' ')), x -> x > 0)),
                   1) - 60) AS s
        FROM (SELECT t, ' ' || regexp_replace(fold(t), '[^a-z0-9]', ' ', 'g') || ' ' AS m FROM src)
    ),
    cut AS (SELECT t, s, s + width <= length(t) AS more, substring(t, s, width) AS piece FROM found)
    SELECT CASE WHEN length(t) <= width THEN t
                ELSE (CASE WHEN s > 1 THEN '…' ELSE '' END)
                     || trim(regexp_replace(regexp_replace(piece, CASE WHEN s > 1 THEN '^\S*\s' ELSE '^' END, ''),
                                            CASE WHEN more THEN '\s\S*$' ELSE '$' END, ''))
                     || (CASE WHEN more THEN '…' ELSE '' END)
           END
    FROM cut
);

-- ---- views ---------------------------------------------------------------------------------------------

-- The latest capture of every article URL (a page fetched again keeps one row here), with its site.
-- The latest are picked over the three columns that decide it, and the rest read after: a window over every
-- column would hold all article text of the database in memory at once.
CREATE OR REPLACE VIEW latest_articles AS
SELECT a.article_id, a.site, s.name AS site_name, s.province,
       CAST(vn_time(coalesce(a.published_at, a.fetched_at)) AS DATE) AS day,
       a.published_at, a.title, a.lead, a.author, a.source_credit, a.text, a.url, a.fetched_at,
       a.capture_id, a.extractor
FROM articles a
LEFT JOIN sites s ON s.site = a.site
WHERE a.article_id IN (
    SELECT article_id FROM articles
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC NULLS LAST, article_id DESC) = 1);

-- Articles per site and Vietnamese calendar month of publication (fetch month when undated).
CREATE OR REPLACE VIEW articles_by_site_month AS
SELECT site, any_value(site_name) AS site_name, any_value(province) AS province,
       CAST(date_trunc('month', day) AS DATE) AS month,
       count(*) AS articles,
       count(published_at) AS dated,
       count(DISTINCT author) AS authors,
       CAST(sum(length(regexp_split_to_array(trim(text), '\s+'))) AS BIGINT) AS words,
       min(published_at) AS first_published,
       max(published_at) AS last_published
FROM latest_articles
GROUP BY site, month
ORDER BY site, month;

-- Every figure with the article it comes from (site, day, title, url): the table to aggregate numbers over.
CREATE OR REPLACE VIEW article_figures AS
SELECT a.site, a.day, a.title, a.url, f.*
FROM figures f
JOIN latest_articles a USING (article_id);

-- Per site: what the archive holds and how fresh it is.
CREATE OR REPLACE VIEW site_summary AS
WITH c AS (SELECT site, count(*) AS captures, max(fetched_at) AS last_fetched FROM captures GROUP BY site),
     a AS (SELECT site, count(*) AS articles, max(published_at) AS last_published FROM latest_articles GROUP BY site)
SELECT s.site, s.name, s.province, s.kind,
       coalesce(c.captures, 0) AS captures, coalesce(a.articles, 0) AS articles,
       c.last_fetched, a.last_published
FROM sites s
LEFT JOIN c USING (site)
LEFT JOIN a USING (site)
ORDER BY s.site;

-- Runs with their main counters taken out of the stats JSON.
CREATE OR REPLACE VIEW run_summary AS
SELECT run_id, command, status, started_at, finished_at,
       round(epoch(finished_at - started_at), 1) AS seconds,
       CAST(coalesce(stats ->> 'response_received_count', stats ->> 'index/records') AS BIGINT) AS pages,
       CAST(stats ->> 'store/captures' AS BIGINT) AS captures,
       CAST(stats ->> 'store/articles' AS BIGINT) AS articles,
       CAST(coalesce(stats ->> 'baotinh/fetch_errors', '0') AS BIGINT)
           + CAST(coalesce(stats ->> 'extract/errors', '0') AS BIGINT) AS errors,
       CAST(stats ->> 'archive/bytes' AS BIGINT) AS warc_bytes,
       stats
FROM runs
ORDER BY started_at DESC;

-- Search without the FTS extension: every query word must appear (accent-insensitive); ranked by how often
-- the words appear, title twice. Slower than search_articles (it reads all text) but always available:
--   SELECT * FROM search_articles_folded('phu tho', site := 'baophutho', since := '2026-01-01');
CREATE OR REPLACE MACRO search_articles_folded(q, site := NULL, since := NULL, until := NULL, max_hits := 20) AS TABLE
WITH docs AS (
    SELECT a.article_id, a.day, a.site, a.title, a.text, a.url, a.published_at,
           search_norm(a.title) AS t, search_norm(concat_ws(' ', a.lead, a.text)) AS b
    FROM latest_articles a
    WHERE (site IS NULL OR a.site = site)
      AND (since IS NULL OR a.day >= CAST(since AS DATE))
      AND (until IS NULL OR a.day <= CAST(until AS DATE))
),
scored AS (
    SELECT d.*,
           list_sum(list_transform(search_terms(q), w ->
               2 * (length(d.t) - length(replace(d.t, ' ' || w || ' ', ''))) // (length(w) + 2)
               + (length(d.b) - length(replace(d.b, ' ' || w || ' ', ''))) // (length(w) + 2))) AS score
    FROM docs d
    WHERE len(search_terms(q)) > 0
      AND list_bool_and(list_transform(search_terms(q), w -> contains(d.t || d.b, ' ' || w || ' ')))
      AND search_phrases_match(d.t || d.b, q)
),
top AS (SELECT * FROM scored s ORDER BY s.score DESC, s.day DESC, s.article_id LIMIT max_hits)
-- columns are named through their table: a bare `site` would be the macro's parameter
SELECT CAST(top.score AS DOUBLE) AS score, top.day, top.site, top.title, search_snippet(top.text, q) AS snippet,
       top.url, top.article_id, top.published_at
FROM top
ORDER BY top.score DESC, top.day DESC, top.article_id;

INSERT OR IGNORE INTO schema_migrations
VALUES (2, now(), 'sites, captures.site, warc_files, search_docs; views and search macros');
INSERT OR IGNORE INTO schema_migrations
VALUES (3, now(), 'articles.fingerprint; repost_nodes, repost_edges, repost_clusters, reposts');
