"""`baotinh nodes plan`: spread the registry's sites over Scrapyd nodes, and (`--schedule`) start their jobs.

Sites are the shard: a site's politeness is per host, so one site runs on one node at a time. Each site goes
to the node that scores highest for it (rendezvous hashing of "node/site"): the same node every time, and a
node added or removed moves only the sites it gains or loses. A job is Scrapyd's `news` spider with `-a
site=SLUG`, its own data directory (`--data-root`/SLUG: run lock, state, WARC files, spool) and the node's WARC
prefix (`baotinh-NODE`), so file names never collide in the shared catalog. Scrapyd queues and runs them; this
command only asks schedule.json (and listjobs.json, so a site whose job is still pending or running is not
queued twice). Nothing here schedules anything over time: cron runs the command.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

from crawler.commands.common import FORMATTER, Unavailable, UsageError, add_sites_file, registry
from crawler.commands.crawl_input import overrides

PROJECT = "baotinh"
SPIDER = "news"
TIMEOUT = 30


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("nodes", help="spread the sites over Scrapyd crawl nodes", formatter_class=FORMATTER,
                            description=__doc__.split("\n\n")[1],
                            epilog="examples:\n"
                            "  baotinh nodes plan --node n1=http://node1:6800 --node n2=http://node2:6800\n"
                            "  baotinh nodes plan --node n1=http://node1:6800 --schedule  # see: nodes plan -h")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    plan = verbs.add_parser(
        "plan", help="which node crawls which site; --schedule starts the jobs", formatter_class=FORMATTER,
        description="Print the node of every site of the registry; with --schedule, ask each node's Scrapyd to "
        "run the `news` spider for its sites (schedule.json), skipping sites whose job is pending or running.",
        epilog="examples:\n  baotinh nodes plan --node n1=http://node1:6800 --node n2=http://node2:6800\n"
        "  baotinh nodes plan --node n1=http://node1:6800 --node n2=http://node2:6800 \\\n"
        "      --data-root /srv/baotinh --schedule          # what cron runs every few hours\n"
        "  baotinh nodes plan --node n1=http://127.0.0.1:6800 --json\n\n"
        "exit codes: 0 planned (and scheduled), 2 usage error, 69 a node's Scrapyd did not answer")
    plan.add_argument("--node", dest="nodes", action="append", default=[], metavar="NAME=URL", required=True,
                      help="a Scrapyd node: its name (the WARC prefix baotinh-NAME) and URL; repeatable")
    plan.add_argument("--data-root", metavar="DIR", default="/srv/baotinh",
                      help="on every node, the folder holding one data directory per site (default: /srv/baotinh)")
    plan.add_argument("--schedule", action="store_true", help="schedule the jobs, not only print the plan")
    plan.add_argument("--project", default=PROJECT, help=f"the Scrapyd project (default: {PROJECT})")
    plan.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="a setting for every job (as `baotinh crawl --set`); repeatable")
    plan.add_argument("--json", action="store_true", help="print the plan (and job ids) as JSON")
    add_sites_file(plan)
    plan.set_defaults(func=run)


def parse_nodes(pairs: list[str]) -> dict[str, str]:
    nodes: dict[str, str] = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        parts = urllib.parse.urlsplit(url)
        if not sep or not name.isidentifier() or parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--node {pair!r}: expected NAME=URL, e.g. --node n1=http://node1:6800")
        if name in nodes:
            raise UsageError(f"--node {name}: named twice")
        nodes[name] = url.rstrip("/") + "/"
    return nodes


def assign(sites: list[str], nodes: list[str]) -> dict[str, str]:
    """site -> node, by rendezvous hashing: stable, and a change of nodes moves only the sites it must.

    >>> assign(["baophutho", "baonghean"], ["n1"])
    {'baophutho': 'n1', 'baonghean': 'n1'}
    """
    def score(node: str, site: str) -> bytes:
        return hashlib.sha256(f"{node}/{site}".encode()).digest()

    return {site: max(nodes, key=lambda node: score(node, site)) for site in sites}


def job_settings(slug: str, node: str, data_root: str, sites_file: str | None, extra: dict[str, str]) -> list[str]:
    settings = {"BAOTINH_DATA_DIR": f"{data_root.rstrip('/')}/{slug}", "ARCHIVE_PREFIX": f"baotinh-{node}",
                **({"BAOTINH_SITES_FILE": sites_file} if sites_file else {}), **extra}
    return [f"{key}={value}" for key, value in settings.items()]


def scrapyd(url: str, endpoint: str, form: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """One call of Scrapyd's JSON API; a node that does not answer (or says error) is Unavailable."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    target = urllib.parse.urljoin(url, endpoint)
    try:
        with urllib.request.urlopen(target, data=data, timeout=TIMEOUT) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise Unavailable(f"Scrapyd at {url} did not answer {endpoint}: {reason}") from e
    if answer.get("status") != "ok":
        raise Unavailable(f"Scrapyd at {url} refused {endpoint}: {answer.get('message', answer)}")
    return answer


def busy_sites(url: str, project: str) -> set[str]:
    """Sites with a pending or running job on the node (job ids start with the site's slug)."""
    jobs = scrapyd(url, f"listjobs.json?project={urllib.parse.quote(project)}")
    return {job["id"].rsplit("-", 1)[0] for state in ("pending", "running") for job in jobs.get(state, [])}


def run(args: argparse.Namespace) -> int:
    nodes = parse_nodes(args.nodes)
    extra = overrides(args.set)
    sites = registry(args)
    if not sites:
        raise UsageError("the registry has no sites to plan")
    plan = assign(sorted(sites), sorted(nodes))
    jobs: dict[str, str] = {}
    if args.schedule:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        for node, url in sorted(nodes.items()):
            busy = busy_sites(url, args.project)
            for slug in sorted(s for s, n in plan.items() if n == node):
                if slug in busy:
                    jobs[slug] = "busy"
                    continue
                form = [("project", args.project), ("spider", SPIDER), ("site", slug), ("jobid", f"{slug}-{stamp}")]
                form += [("setting", s) for s in job_settings(slug, node, args.data_root, args.sites_file, extra)]
                jobs[slug] = scrapyd(url, "schedule.json", form)["jobid"]
    if args.json:
        print(json.dumps({"nodes": nodes, "sites": {s: {"node": n, "job": jobs.get(s)} for s, n in plan.items()}},
                         ensure_ascii=False, indent=2))
        return 0
    width = max(map(len, plan))
    for slug, node in sorted(plan.items(), key=lambda item: (item[1], item[0])):
        job = jobs.get(slug)
        note = "" if job is None else ("  (a job is pending or running: not queued again)" if job == "busy"
                                       else f"  job {job}")
        print(f"{slug:<{width}}  {node}{note}")
    counts = {n: sum(1 for v in plan.values() if v == n) for n in sorted(nodes)}
    print(f"{len(plan)} site(s) over {len(nodes)} node(s): "
          + ", ".join(f"{n} {c}" for n, c in counts.items()), file=sys.stderr)
    return 0
