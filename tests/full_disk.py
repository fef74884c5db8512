"""A data directory on a disk that fills up, for real: a small tmpfs mounted for the test where this process
may mount one (root, as the tests run in CI), else a file-size limit (RLIMIT_FSIZE) set in the crawl's own
process, so that its files stop growing as on a full disk (EFBIG instead of ENOSPC). `mode` says which;
FULL_DISK_MODE=rlimit in the environment takes the file-size limit even where a tmpfs could be mounted (to
try that way by hand).

    with FullDisk(tmp_path / "disk", disk_mb=5, file_mb=3) as disk:
        result = disk.crawl(base_url)        # fills up
        disk.free()                          # room again
        rerun = disk.crawl(base_url)
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ENV, REPO

FREED_MB = 256  # what "space is freed" gives back


def can_mount_tmpfs(where: Path) -> bool:
    """Try it: mounting needs root and a kernel that lets this container mount."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True)
    if probe.returncode != 0:
        return False
    subprocess.run(["umount", str(where)], check=True)
    return True


class FullDisk:
    def __init__(self, root: Path, disk_mb: int, file_mb: int) -> None:
        self.root = Path(root)
        self.disk_mb = disk_mb  # the tmpfs: the whole data directory
        wanted = os.environ.get("FULL_DISK_MODE")
        self.mode = "tmpfs" if wanted != "rlimit" and can_mount_tmpfs(self.root) else "rlimit"
        self.limit: int | None = file_mb * 1024 * 1024 if self.mode == "rlimit" else None  # each file
        self.root.mkdir(parents=True, exist_ok=True)
        self.data = self.root / "data"

    def __enter__(self) -> FullDisk:
        if self.mode == "tmpfs":
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.disk_mb}m", "tmpfs", str(self.root)],
                           check=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.mode == "tmpfs":
            subprocess.run(["umount", str(self.root)], check=True)

    def full_words(self) -> tuple[str, ...]:
        """How the crawl's one line may start on this kind of full disk (a file-size limit reached by DuckDB
        reads as no space: it does not say which)."""
        return ("no space left on",) if self.mode == "tmpfs" else ("file size limit reached on", "no space left on")

    def free(self) -> None:
        """Room again, as an operator who deleted old files would leave it."""
        if self.mode == "tmpfs":
            subprocess.run(["mount", "-o", f"remount,size={FREED_MB}m", str(self.root)], check=True)
        self.limit = None

    def crawl(self, base_url: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "crawler", "crawl", "--start-url", base_url + "/", "--data-dir", str(self.data),
             *args], cwd=REPO, env={**os.environ, **ENV}, capture_output=True, text=True, timeout=timeout,
            preexec_fn=self._limited if self.limit else None)

    def _limited(self) -> None:  # in the child, before it runs Python: files stop at the limit, with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        assert self.limit is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.limit, resource.RLIM_INFINITY))


PARAGRAPHS = (
    "Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị triển khai kế hoạch phát triển kinh tế với sự tham dự "
    "của lãnh đạo các sở, ban, ngành và các huyện, thành phố trong tỉnh.",
    "Theo báo cáo tại hội nghị, các địa phương đã hoàn thành phần lớn các chỉ tiêu được giao, trong đó nhiều "
    "công trình giao thông, trường học và trạm y tế đã được đưa vào sử dụng.",
    "Phát biểu chỉ đạo, đồng chí Chủ tịch Ủy ban nhân dân tỉnh đề nghị các đơn vị tập trung tháo gỡ khó khăn "
    "cho doanh nghiệp, đẩy nhanh tiến độ giải ngân vốn đầu tư công và chăm lo đời sống nhân dân.",
    "Hội nghị cũng đã thống nhất các nhiệm vụ trọng tâm của năm mới, giao cho từng sở, ngành phụ trách "
    "theo dõi và báo cáo kết quả thực hiện hằng quý.",
)
ARTICLE = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def write_big_site(folder: Path, pages: int, size: int, seed: int = 13) -> Path:
    """A site of `pages` short articles, each page carrying `size` bytes that do not compress (random bytes in
    an HTML comment, as a page's inline images would), linked from its home page: enough bytes to fill a small
    disk, cheap to extract."""
    import base64
    import random

    rng = random.Random(seed)
    (folder / "bai").mkdir(parents=True, exist_ok=True)
    links = []
    for n in range(pages):
        name = f"tin-so-{n}-ve-phat-trien-kinh-te-{400000 + n}.html"
        links.append(f'<li><a href="/bai/{name}">Tin {n}</a></li>')
        bulk = base64.b64encode(rng.randbytes(size * 3 // 4)).decode("ascii")
        # each article says something of its own, as news does: pages that all told the same four paragraphs
        # would teach the site-template learner (30 articles) that those paragraphs are the site's wrapper
        body = "".join(f"<p>{p} Tin {n}, mục {i + 1}: {rng.randint(100, 9999)} tỷ đồng.</p>"
                       for i, p in enumerate(PARAGRAPHS))
        (folder / "bai" / name).write_text(
            f'<html><head><meta property="og:type" content="article"><title>Tin số {n} về phát triển kinh tế'
            f"</title></head><body><article><h1>Tin số {n} về phát triển kinh tế</h1>{body}</article>"
            f"<!-- {bulk} --></body></html>", encoding="utf-8")
    (folder / "index.html").write_text('<html><head><meta property="og:type" content="website"><title>Trang chủ'
                                       f"</title></head><body><ul>{''.join(links)}</ul></body></html>",
                                       encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return folder
