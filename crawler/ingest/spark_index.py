"""`baotinh index --engine spark`: the rows of `baotinh index`, with the WARC files spread over Spark tasks.

The driver (this process) decides what `baotinh index` decides: which files (those without a `warc_files`
row, or all of them with `rebuild`), the site of each host (the sites in the database, then the registry),
and which records are stored already. Each WARC file is one task (crawler.ingest.spark_task: derive() over
its records, its rows written as Parquet) — the unit cc-pyspark and the Archives Unleashed Toolkit use too:
files rotate near 1 GB, so a large archive is thousands of tasks. The driver commits each file's Parquet in
one transaction (its rows, each record's replacing that record's earlier rows, and its `warc_files` row), in
name order, while Spark works on the next wave of files; then the run's row and the sites seen.

Local mode (`local[N]`) unless `master`: the executors run this Python, and bind to 127.0.0.1 only. On a
cluster, the executors need baotinh installed (README, "Scaling out") and `parquet_dir` must be a folder
that they and the driver all see.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.records import warcinfo_fields
from crawler.ingest.index import NOT_PAGES, IndexProgress, IndexResult, learn_after_index, plan_index
from crawler.ingest.rows import site_row
from crawler.ingest.spark_task import FileResult, FileTask, derive_file, read_parquet
from crawler.ingest.template_store import TemplatePlan, TemplateStore, plan_templates
from crawler.registry import Site
from crawler.run.identity import new_run_id
from crawler.run.stats import jsonable_stats
from pipelines.database.store import Store
from pipelines.extraction.templates import SiteTemplates

logger = logging.getLogger(__name__)

WAVE_TASKS = 4  # files per wave and core: the driver commits one wave while Spark derives the next
JAVA_HINT = "Spark needs Java 17 (Debian: apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing, or Spark did not start: one line."""


def spark_context(master: str | None, processes: int | None) -> Any:  # -> pyspark.SparkContext
    """A SparkContext: local[N] on 127.0.0.1 unless `master` names a cluster."""
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(f"Java is not installed: {JAVA_HINT}")
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError as e:
        raise SparkUnavailable("PySpark is not installed: pip install 'baotinh[cluster]'") from e
    local = master is None or master.startswith("local")
    conf = (SparkConf().setAppName("baotinh-index")
            .setMaster(master or f"local[{processes or os.cpu_count() or 1}]")
            .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
            # a WARC file's task is CPU work in Python: one core each, and no speculative second copy
            .set("spark.task.cpus", "1").set("spark.speculation", "false"))
    if local:
        # the executors are this machine's: this Python (it has baotinh), and nothing listening beyond loopback
        conf.set("spark.pyspark.python", sys.executable).set("spark.pyspark.driver.python", sys.executable)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # what PySpark itself starts its workers with
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # else the JVM binds the host's own address
        conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
    try:
        context = SparkContext(conf=conf)
    except Exception as e:  # Java that will not start, a master that does not answer: say so in one line
        first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
        raise SparkUnavailable(f"Spark did not start ({first}); {JAVA_HINT}") from e
    context.setLogLevel("ERROR")
    return context


def index_on_spark(
    data_dir: Path, *, store: Store, rebuild: bool = False, registry: dict[str, Site] | None = None,
    master: str | None = None, processes: int | None = None, parquet_dir: Path | None = None,
    on_progress: Callable[[IndexProgress], None] | None = None,
) -> IndexResult:
    """`baotinh index` (crawler.ingest.index.index_warcs) with Spark deriving the rows; the same rows."""
    data_dir = Path(data_dir)
    plan = plan_index(data_dir, store, rebuild, registry)
    todo, open_files, resolver = plan.todo, plan.open_files, plan.resolver
    templates = plan_templates(TemplateStore(data_dir), [warcinfo_fields(p) for p in todo], rebuild)
    run_id = new_run_id()
    started_at = datetime.now(UTC)
    run = {"run_id": run_id, "command": "index", "started_at": started_at, "finished_at": None,
           "status": "running", "stats": jsonable_stats({"start_time": started_at, "index/engine": "spark"})}
    store.write({"runs": [run]})
    out = parquet_dir or data_dir / "spark" / run_id
    stats: Counter[str] = Counter()
    sites: dict[str, Site] = {}
    damaged_files: list[str] = []
    status = "finished"
    progress = IndexProgress(bytes_total=sum(p.stat().st_size for p in todo), files_total=len(todo))
    context = spark_context(master, processes) if todo else None
    try:
        stored = {} if rebuild else stored_by_file(store, [p.name for p in todo])
        tasks = [FileTask(str(p.resolve()), str((out / p.name).resolve()), resolver, run_id,
                          stored.get(p.name, {}), _templates_of(p, templates)) for p in todo]
        wave = max(1, (context.defaultParallelism if context else 1) * WAVE_TASKS)
        for result in _results(context, tasks, wave):
            _commit(store, result, run_id, stats, sites)
            if result.stats["index/damaged"] or result.stats["index/unreadable"]:
                damaged_files.append(result.name)
            progress.bytes_done += (data_dir / "warc" / result.name).stat().st_size
            progress.files_done += 1
            progress.records, progress.articles = stats["index/records"], stats["store/articles"]
            if on_progress:
                on_progress(progress)
        stats["index/spark_tasks"] = len(tasks)
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except BaseException:
        status = "failed"
        raise
    finally:
        if context is not None:
            context.stop()
        finished_at = datetime.now(UTC)
        run.update(finished_at=finished_at, status=status,
                   stats=jsonable_stats({**stats, "start_time": started_at, "finish_time": finished_at,
                                         "index/engine": "spark"}))
        store.write({"runs": [run], "sites": [site_row(s) for s in sites.values()]})
        if parquet_dir is None and status == "finished" and out.exists():
            shutil.rmtree(out)  # committed: the rows are in the database now
    learned, not_learned = learn_after_index(data_dir, store, [*plan.catalog.sites, *sites.values()], processes)
    return IndexResult(
        run_id=run_id, files=stats["index/files"], records=stats["index/records"],
        pages=stats["index/records"] - sum(stats[f"index/reason_count/{r}"] for r in NOT_PAGES),
        articles=stats["store/articles"], errors=stats["index/errors"],
        seconds=(finished_at - started_at).total_seconds(), skipped_open=open_files,
        spooled=store.spooled() > 0, stats=dict(stats),
        templates=templates.describe(), learned=learned, not_learned=not_learned,
        damaged=stats["index/damaged"] + stats["index/unreadable"],
        damaged_files=damaged_files,
    )


def _templates_of(path: Path, plan: TemplatePlan) -> dict[str, SiteTemplates]:
    """slug -> the template set the records of `path` are derived with, as the local index chooses it."""
    return {slug: plan.sets[(slug, digest)] for slug, digest in plan.for_file(warcinfo_fields(path)).items()}


def stored_by_file(store: Store, files: list[str]) -> dict[str, dict[str, bool]]:
    """Per WARC file, the records whose capture row is stored (capture id -> has an article row)."""
    if not files or not store.exists():
        return {}
    found: dict[str, dict[str, bool]] = {}
    with store.connect(read_only=True, wait=10) as con:
        for name, capture_id, article in con.execute(
                "SELECT c.warc_file, c.capture_id, a.article_id IS NOT NULL FROM captures c LEFT JOIN articles a "
                "ON a.article_id = c.capture_id WHERE c.warc_file IN (SELECT unnest(?::VARCHAR[]))",
                [files]).fetchall():
            found.setdefault(name, {})[capture_id] = article
    return found


def _results(context: Any, tasks: list[FileTask], wave: int) -> Iterator[FileResult]:
    """Each task's result in order; Spark computes the next wave while the caller commits this one."""
    waves = [tasks[i:i + wave] for i in range(0, len(tasks), wave)]
    if not waves:
        return

    def run(batch: list[FileTask]) -> list[FileResult]:
        return context.parallelize(batch, len(batch)).map(derive_file).collect()

    with ThreadPoolExecutor(1, thread_name_prefix="baotinh-spark") as submit:
        pending: Future[list[FileResult]] = submit.submit(run, waves[0])
        for k in range(len(waves)):
            results = pending.result()
            if k + 1 < len(waves):
                pending = submit.submit(run, waves[k + 1])
            yield from results


def _commit(store: Store, result: FileResult, run_id: str, stats: Counter[str],
            sites: dict[str, Site]) -> None:
    for line in result.errors:
        logger.error("%s", line)
    stats.update(result.stats)
    stats["index/files"] += 1
    sites.update(result.sites)
    rows = read_parquet(Path(result.out))
    # the file's rows and "this file is indexed" in one transaction; as in the local index, rows are replaced
    # record by record (Store.write), so the rows of a record a damaged file no longer holds are kept
    rows["warc_files"] = [{"warc_file": result.name, "run_id": run_id, "captures": result.captures,
                           "articles": result.articles, "indexed_at": datetime.now(UTC)}]
    if not store.write(rows):
        stats["index/spooled_files"] += 1
