-- baotinh schema: the one place the tables are written. The store runs this file on every open, so every
-- statement is idempotent (CREATE … IF NOT EXISTS). Times are TIMESTAMPTZ; the shell shows them in its
-- TimeZone setting (SET TimeZone = 'Asia/Ho_Chi_Minh' for Vietnamese local time).

-- One row per crawl or index run.
CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,  -- e.g. 20261128T031500Z-4f2a
    command     VARCHAR,              -- crawl, index, demo
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,          -- NULL while running or when the run was killed
    status      VARCHAR,              -- running, finished, failed, interrupted
    stats       JSON                  -- counters of the run (pages, articles, errors, bytes, per site)
);

-- One row per WARC response or revisit record: every fetch, redirect hops and robots.txt included.
CREATE TABLE IF NOT EXISTS captures (
    capture_id     VARCHAR PRIMARY KEY,  -- WARC-Record-ID of the response record, <urn:uuid:…>
    run_id         VARCHAR,
    url            VARCHAR,              -- WARC-Target-URI
    status         INTEGER,              -- HTTP status
    mime           VARCHAR,              -- Content-Type without parameters
    fetched_at     TIMESTAMPTZ,          -- WARC-Date: when the request was sent
    warc_file      VARCHAR,              -- file name under warc/
    warc_offset    BIGINT,               -- byte offset of the record's gzip member in warc_file
    warc_length    BIGINT,               -- length of that gzip member
    payload_digest VARCHAR,              -- WARC-Payload-Digest (sha1, base32) of the body as served
    revisit        BOOLEAN               -- true for a revisit record (body stored in an earlier capture)
);

-- One row per page the extractor judged to be an article.
CREATE TABLE IF NOT EXISTS articles (
    article_id    VARCHAR PRIMARY KEY,  -- equals the capture_id of the response it was extracted from
    url           VARCHAR,
    site          VARCHAR,              -- slug in crawler/sites.toml (or the host for --start-url sites)
    title         VARCHAR,
    lead          VARCHAR,              -- sapo / summary
    author        VARCHAR,              -- a person's name, or NULL
    published_at  TIMESTAMPTZ,
    text          VARCHAR,              -- body text, paragraphs separated by a blank line
    source_credit VARCHAR,              -- "PTĐT", "Theo TTXVN", …
    capture_id    VARCHAR,              -- → captures.capture_id
    extractor     VARCHAR,              -- version of the extractor that made this row
    fetched_at    TIMESTAMPTZ
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
                                        -- (pipelines/figures.py KINDS; a range keeps the kind of what it measures)
    change       VARCHAR,               -- increase, decrease or none
    subject      VARCHAR,               -- the counted noun phrase: "đơn vị hành chính cấp xã"
    raw          VARCHAR,               -- the text as it appears
    sentence     VARCHAR,               -- the sentence it appears in
    char_start   INTEGER,               -- offsets of raw in articles.text
    char_end     INTEGER
);

-- One row per photo of an article.
CREATE TABLE IF NOT EXISTS images (
    article_id VARCHAR,                 -- → articles.article_id
    src        VARCHAR,
    caption    VARCHAR,
    credit     VARCHAR                  -- photographer: "Ảnh: Minh Hương" → "Minh Hương"
);
