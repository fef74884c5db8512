"""Every default of baotinh in one place. `baotinh crawl --set KEY=VALUE` and `scrapy crawl news -s KEY=VALUE`
override any of them. Components read their own prefix: ARCHIVE_* (archive.capture), EXTRACT_*
(crawler.extensions.ingest), STORE_* (crawler.extensions.run_life), POLITENESS_* (crawler.middlewares.politeness),
GUARD_* (crawler.middlewares.guards), TEMPLATES_* (crawler.extensions.run_templates), REQUISITES_*
(crawler.extensions.requisites), BAOTINH_* (the spider, the run and the command line).
"""

import os

# Scrapy's cookies middleware asks tldextract for the public suffix list, which would try to download it;
# the copy bundled with tldextract is enough to tell a public suffix from a site.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

BOT_NAME = "baotinh"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- who we are --------------------------------------------------------------------------------------------
# Site operators read this in their logs: set it to a page that says who runs the crawl and how to reach you.
BAOTINH_CONTACT_URL = "https://baotinh.invalid/contact"
BAOTINH_VERSION = "0.1"
USER_AGENT = f"baotinh/{BAOTINH_VERSION} (+{BAOTINH_CONTACT_URL})"

# -- politeness ----------------------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
# AutoThrottle starts every host at the politeness floor and raises the delay as soon as a host answers
# slowly; a start above DOWNLOAD_DELAY only made the first requests of every host wait for nothing.
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
# No jitter: DOWNLOAD_DELAY is the least time between two requests to a host, never 0.5x it. Scrapy draws the
# jitter afresh each time the slot is looked at and waits again when the new draw is longer, which made the
# mean gap ~1.2x the delay: a polite crawl took 20 % longer than its politeness asks (bench/bench_polite.py).
DOWNLOAD_DELAY_JITTER = 0.0
CONCURRENT_REQUESTS = 16
# Scrapy checks each response's callback for a generator that returns a value by reading its source with inspect
# and ast, cached on the bound method, which dies with its request: the spider's four callbacks were parsed
# again every few responses (~0.7 ms a page of the crawl process, where extraction needs the CPU). They return
# nothing; tests/test_discovery.py (test_spider_callbacks_return_no_value) checks that instead, once.
WARN_ON_GENERATOR_RETURN_VALUE = False
# archive.capture: WARC-Date is when a request left its slot for the wire, not when it entered the queue
DOWNLOAD_HANDLERS = {"http": "archive.capture.StampedHTTPHandler", "https": "archive.capture.StampedHTTPHandler"}
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 2
# crawler.middlewares.politeness: robots.txt Crawl-delay, back-off on 429/503, giving up on a failing site
POLITENESS_MAX_FAILURES = 10  # failed fetches in a row (retries count) before a site is given up for the run
POLITENESS_BACKOFF = 30.0  # seconds a host is paused after a 429/503 without Retry-After
POLITENESS_RETRY_AFTER_MAX = 600.0  # a longer Retry-After gives the site up for this run (cron comes back)
POLITENESS_CRAWL_DELAY_MAX = 60.0  # a longer robots.txt Crawl-delay too: the run would last for days
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs Python code sent to a local port and writes job files to the home
# directory: not something an unattended archiving crawler should open.
REMOTE_CONTROL_ENABLED = False
COOKIES_ENABLED = True
# On 127.0.0.1 (the demo, the tests) there is nobody to be polite to: the command line lifts the delays
# when every site of a run is on a loopback address.
BAOTINH_LOOPBACK_UNTHROTTLED = True

# -- discovery (crawler.spiders.news) -----------------------------------------------------------------------
BAOTINH_LISTING_DEPTH = 2  # home (0) -> category (1) -> category page 2 (2); articles are never followed
# Bounds of one run, so that a tag cloud or a page of 20,000 links cannot run away. Pages requested per site
# and run (`--max-pages`; 0 = no cap): a cron run every few hours of a provincial paper (50-150 articles a
# day) needs a few hundred; 5,000 lets a first run take in a good part of the backlog, and the next runs go on
# from there. Links followed from one page (article-like links first; 0 = no cap): a home page has a few
# hundred.
BAOTINH_MAX_PAGES = 5000
BAOTINH_MAX_LINKS_PER_PAGE = 1000
BAOTINH_SITES_FILE = None  # None = the bundled crawler/sites.toml
# incremental (crawler.middlewares.incremental over crawler.run.state): archived article URLs are skipped, also
# when a redirect leads to them, unless BAOTINH_REFRESH (`--refresh`); discovery pages are asked conditionally
INCREMENTAL_ENABLED = True
BAOTINH_REFRESH = False
BAOTINH_SINCE = None  # `--since 2026-03-01`: sitemap entries with an older lastmod are skipped

# -- bad input (crawler.middlewares.guards) ------------------------------------------------------------------
GUARD_MAX_BODY = 16 * 1024 * 1024  # bodies are cut here and archived with WARC-Truncated: length
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # decompressed size at which a gzip/br body is refused (decompression bomb)
DOWNLOAD_WARNSIZE = 0  # Scrapy's 32 MB warning would come after the cut; BodySizeLimit logs its own
# A body shorter than its Content-Length (the connection closed early) comes with the bytes that arrived:
# archived with WARC-Truncated: disconnect, then retried, and an error once the retries are spent (CutShort).
DOWNLOAD_FAIL_ON_DATALOSS = False

# -- data directory -----------------------------------------------------------------------------------------
BAOTINH_DATA_DIR = "data"
BAOTINH_RUN_ID = None  # set by the command line; else by crawler.run.identity.RunIdAddon before the crawl starts
BAOTINH_COMMAND = "crawl"
BAOTINH_PROGRESS_INTERVAL = 10.0
BAOTINH_PREVIOUS_RUN = None  # set by the command line when it took the run lock: the killed run it found there
# Where the rows go: None = the DuckDB file of the data directory (the embedded default); a DuckLake catalog that
# many crawl nodes write into at once, e.g. "ducklake:postgres:dbname=baotinh host=db.example", with the folder
# or bucket of its Parquet files (needed when the catalog is first made). Read from the environment by default,
# so a Scrapyd node is configured once, in the environment of its daemon (pipelines.database.lake).
BAOTINH_CATALOG = os.environ.get("BAOTINH_CATALOG") or None
BAOTINH_CATALOG_DATA_PATH = os.environ.get("BAOTINH_CATALOG_DATA_PATH") or None
# Set aside in state/ while a run lasts (crawler.run.reserve): on a full disk it is freed so that the run can
# still write its own record (its runs.jsonl line, its runs row). 0 = none.
BAOTINH_SPACE_RESERVE = 1024 * 1024

# -- archive (archive.capture) ------------------------------------------------------------------------------
ARCHIVE_ENABLED = True
ARCHIVE_DIR = None  # None = BAOTINH_DATA_DIR/warc
ARCHIVE_PREFIX = "baotinh"  # per crawl node under Scrapyd (`baotinh nodes plan`), so file names never collide
ARCHIVE_MAX_SIZE = 1_000_000_000  # bytes; a file is closed at the first fetch after it reaches this size
# An unchanged 2xx body (same URL, same payload digest as an earlier capture, in any run) is written as a
# revisit record; the index of digests is ARCHIVE_DIR/digests.sqlite.
ARCHIVE_DEDUP = True
# Who runs the crawl, written into every file's warcinfo record (a name and an email or URL), for the
# researchers who receive the files; e.g. "Khoa Báo chí, ĐH X <archive@example.edu.vn>".
ARCHIVE_OPERATOR = None
ARCHIVE_INFO = {}  # extra warcinfo fields, e.g. {"description": "..."}

# -- rows from the archive and their store ------------------------------------------------------------------
# False: archive only; the rows are made from the WARC files at the next start (or by `baotinh index`)
EXTRACT_ENABLED = True
EXTRACT_PROCESSES = 0  # worker processes that derive rows (crawler.ingest.pool); 0 = one per CPU core
EXTRACT_MAX_PENDING = 64  # archived records waiting for their rows before the engine pauses fetching
# Rows per DuckDB transaction. A batch costs ~0.1 s of connect, checkpoint and close whatever its size, in the
# crawl's own process (its GIL): at 500 rows (~20 small articles) the writing thread never rested and the
# full pipeline ran at two thirds of the rate it runs at with 10,000 (bench/bench_crawl.py); `baotinh index` uses 10,000
STORE_BATCH_SIZE = 10_000
STORE_FLUSH_INTERVAL = 5.0  # seconds; how long rows wait in memory while the database keeps up
# Rows that may wait while a batch is being written (they go together in the next one); past this the crawl
# waits for the database, so a database slower than fetching costs time, never unbounded memory
STORE_MAX_WAITING = 20_000
# Site templates (crawler.extensions.run_templates): lines a site prints on many of its pages, learned from its
# archived articles at the end of a run and applied from the next one (DATA/templates/, named in each WARC file)
TEMPLATES_ENABLED = True
TEMPLATES_SAMPLE = 200  # the site's newest articles re-extracted to learn them
TEMPLATES_RELEARN_GROWTH = 1.25  # learned again once the site's articles have grown by this factor
# Page requisites (crawler.extensions.requisites): each archived article's own photos (its `images` rows) and
# og:image, fetched after it (CDN hosts allowed), robots.txt obeyed, each URL once ever (state/requisites.jsonl);
# no CSS, scripts, fonts, logos, ads or listing thumbnails
REQUISITES_ENABLED = True
REQUISITES_MAX_SIZE = 10 * 1024 * 1024  # bytes; a larger photo is dropped, not archived
REQUISITES_MAX_PER_ARTICLE = 40  # a photo story may hold dozens; beyond this, none more

# -- components ---------------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # nearer the network than HttpCompression (590) and Redirect (600): bodies as sent, every hop
    "archive.capture.WarcCapture": 950,
    "crawler.middlewares.guards.BodySizeLimit": 940,  # before HttpCompression (590) sees the response
    "crawler.middlewares.guards.CutShort": 930,  # after WarcCapture archived a body cut short: retry it
    "crawler.middlewares.guards.RedirectLoopGuard": 610,  # before RedirectMiddleware (600) follows a hop
    # after RedirectMiddleware (600): sees the requests it schedules for each hop; before WarcCapture (950)
    "crawler.middlewares.incremental.Incremental": 620,
    "crawler.middlewares.politeness.Politeness": 560,  # between Retry (550) and the network: every attempt
    # Scrapy's, with the requests that wait for a host's robots.txt checked too (crawler.middlewares.robots)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsTxt": 100,
}
# The spider yields no items: rows are made from the archive (crawler.extensions.ingest), not from responses.
EXTENSIONS = {
    "crawler.extensions.run_life.RunLife": 50,  # lock, recovery, run rows, search refresh
    "crawler.extensions.run_templates.RunTemplates": 60,  # the site templates applied, named, learned again
    "crawler.extensions.ingest.LiveIngest": 100,  # each archived record -> its rows
    "crawler.extensions.requisites.PageRequisites": 110,  # each archived article's photos, archived after it
    "crawler.extensions.progress.Progress": 200,
    "crawler.extensions.spider_output.EmptyOutput": 300,  # an article page's empty output costs Scrapy nothing
    "scrapy.extensions.telnet.TelnetConsole": None,
}
ADDONS = {
    "crawler.run.identity.RunIdAddon": 0,  # one run id before anything reads it (`scrapy crawl` too)
}
LOG_LEVEL = "INFO"
STATS_DUMP = False  # the run's stats go to runs.stats and the log file's last lines
