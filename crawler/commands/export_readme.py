"""The README.md that `baotinh export` writes for the recipient of a package."""

from __future__ import annotations

from datetime import UTC, datetime

TEMPLATE = """\
# baotinh archive: {selection}

Web pages of Vietnamese provincial news sites, archived by baotinh on {created}. Every page is kept exactly
as the server sent it, in WARC files (ISO 28500, WARC/1.1); the articles extracted from the pages are in
the tables.

{captures} captures ({revisits} revisits of unchanged pages), {originals} earlier captures added because a
revisit refers to them, {warcs} WARC file(s), {pages} article pages.

## What each file is

- `warc/*.warc.gz`: the archive. Every HTTP exchange is a response (or revisit) record followed by its
  request record, one gzip member per record. Each file starts with a `warcinfo` record: software and
  versions, operator, robots policy, run id, sites.
- `indexes/index.cdxj`: a sorted CDXJ index of `warc/`, one line per response or revisit record (SURT key,
  timestamp, URL, MIME type, status, payload digest, file, offset, length).
{wacz_row}- `tables/*.parquet`: the extracted data. `captures` (one row per response/revisit record, with its WARC
  file and offset), `articles` (title, lead, author, date, text; `capture_id` names the capture it came
  from), `figures` (numbers found in the text), `images`, `runs`.
- `templates/SITE/*.json`: the lines each site prints on many pages (a notice, "Bài viết … thuộc chuyên
  mục …"), learned from its articles and left out of their text. The tables' `articles.extractor` names
  the set each article was made with (`templates/DIGEST`), each WARC file's warcinfo the sets its crawl
  applied: `baotinh index --data-dir .` re-extracts the whole files with them and gives the same rows.
- `SHA256SUMS`: the SHA-256 of every file here.

## Check that nothing was damaged

```sh
sha256sum -c SHA256SUMS
```

## Replay the pages

- **ReplayWeb.page**: open https://replayweb.page and load `baotinh.wacz` (it stays on your computer), or
  run it offline with the desktop app.
- **pywb**:

  ```sh
  pip install pywb
  wb-manager init baotinh
  wb-manager add baotinh warc/*.warc.gz
  wayback          # then open http://localhost:8080/baotinh/URL-OF-A-PAGE
  ```

Revisit records: a page that had not changed since an earlier capture is stored as a `revisit` record
(profile identical-payload-digest) holding the response headers and `WARC-Refers-To` the earlier record,
instead of the same body again. Replay tools fetch the body from the earlier record; that record is always
in this package.

## Read the records yourself

```python
from warcio.archiveiterator import ArchiveIterator    # pip install warcio

with open("warc/FILE.warc.gz", "rb") as fh:
    for record in ArchiveIterator(fh):
        if record.rec_type == "response":
            print(record.rec_headers.get_header("WARC-Target-URI"), len(record.content_stream().read()))
```

Bodies are stored as transferred: a gzip-encoded page is still gzip in the record (`content_stream()`
decodes it). To find the record of a table row, open `warc_file` at byte `warc_offset` (`warc_length` bytes).

```sql
-- DuckDB
SELECT a.title, c.url, c.fetched_at, c.warc_file, c.warc_offset
FROM 'tables/articles.parquet' a JOIN 'tables/captures.parquet' c USING (capture_id);
```
"""

WACZ_ROW = (
    "- `baotinh.wacz`: the same WARC files with their index and a page list (`pages/pages.jsonl`: URL, date,\n"
    "  title, text of each article) in one file that ReplayWeb.page opens directly (WACZ 1.1.1).\n"
)


def render_readme(selection: str, captures: int, revisits: int, originals: int, warcs: int, pages: int,
                  wacz: bool = True) -> str:
    return TEMPLATE.format(
        selection=selection, created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), captures=captures,
        revisits=revisits, originals=originals, warcs=warcs, pages=pages, wacz_row=WACZ_ROW if wacz else "",
    )
