"""The processes a load test starts: the app (or the floor app) and, when asked, nginx in front.

Everything listens on 127.0.0.1 at a free port, runs from a temporary directory, and is
stopped by its own process id when the test ends, whatever happened.
"""

from __future__ import annotations

import getpass
import gzip
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from assessment import config

DEPLOY = config.ROOT / "deploy"
TEMPLATE = DEPLOY / "nginx.conf.template"
_COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".html", ".map", ".txt")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


class Process:
    """A child process with its CPU seconds and peak memory, read from /proc (Linux)."""

    def __init__(self, argv: list[str], *, env: dict[str, str] | None = None, log: Path) -> None:
        self.log = log
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                argv, cwd=config.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def pids(self) -> list[int]:
        """This process and its children (nginx's workers)."""
        found = [self.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return total

    def peak_rss_mb(self) -> float:
        """Peak resident memory (VmHWM), summed over the process and its children."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)


def wait_ready(url: str, process: Process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.log.name} ended early: {process.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - loopback only
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_app(script: Path, port: int, workdir: Path, db_path: str | None, name: str) -> Process:
    """The app as ``make run`` starts it (``python -m assessment serve``; another script with
    ``streamlit run``), from the project's directory so its .streamlit/config.toml applies, on
    loopback only."""
    env = dict(os.environ)
    if db_path is not None:
        env["TANDEM_DB"] = db_path
    start = (
        ["-m", "assessment", "serve"]
        if script == config.ROOT / "app.py"
        else ["-m", "streamlit", "run", str(script)]
    )
    argv = [
        sys.executable, *start, "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = Process(argv, env=env, log=workdir / f"{name}.log")
    wait_ready(f"http://127.0.0.1:{port}/_stcore/health", process)
    return process


def prepare_static(dest: Path) -> Path:
    """A copy of Streamlit's front end with a .gz beside every text file, so nginx sends the
    compressed bytes without compressing them per request (``gzip_static``)."""
    shutil.copytree(streamlit_static_dir(), dest)
    for path in dest.rglob("*"):
        if path.is_file() and path.suffix in _COMPRESSIBLE:
            data = path.read_bytes()
            if len(data) > 512:
                path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
    return dest


def render_nginx_config(*, listen: str, app: str, static_dir: Path, prefix: Path | None = None) -> str:
    """deploy/nginx.conf.template with its placeholders filled. ``prefix`` (a private
    directory) makes it runnable without root: pid, logs and temporary files go there."""
    text = TEMPLATE.read_text()
    text = text.replace("@LISTEN@", listen).replace("@APP@", app).replace("@STATIC@", str(static_dir))
    if prefix is not None:
        text = text.replace("/run/nginx-tandem.pid", str(prefix / "nginx.pid"))
        text = text.replace("/var/log/nginx/", f"{prefix}/")
        text = text.replace("/var/lib/nginx/tandem", str(prefix / "tmp"))
        # Workers run as whoever runs the test (as root too): the default user could not
        # enter the private temporary directory.
        text = text.replace("user www-data;", f"user {getpass.getuser()};")
    return text


def nginx_path() -> str | None:
    """Debian's nginx (in /usr/sbin, which may be off a non-root PATH), or None."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.path.exists(found) else None


def start_nginx(app_port: int, workdir: Path) -> tuple[Process, int]:
    nginx = nginx_path()
    if nginx is None:
        raise RuntimeError(
            "nginx is not installed: `apt-get update && apt-get install -y nginx` (Debian's package)."
        )
    port = free_port()
    prefix = workdir / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    static = prepare_static(workdir / "static")
    conf = prefix / "nginx.conf"
    conf.write_text(
        render_nginx_config(
            listen=f"127.0.0.1:{port}", app=f"127.0.0.1:{app_port}", static_dir=static, prefix=prefix
        )
    )
    process = Process(
        [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"], log=workdir / "nginx.log"
    )
    wait_ready(f"http://127.0.0.1:{port}/_stcore/health", process)
    return process, port
