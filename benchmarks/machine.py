"""A description of the machine a benchmark ran on, to print beside its numbers."""

import datetime
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

from proc_cpu import CLOCK_TICKS_PER_SECOND


def _first_cpuinfo_value(*keys: str) -> str | None:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip() in keys and value.strip():
            return value.strip()
    return None


def _memory_total() -> str | None:
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("MemTotal:"):
            kibibytes = int(line.split()[1])
            return f"{kibibytes / 1024**2:.1f} GiB"
    return None


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git_commit(repo: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def machine_info(repo: Path) -> dict[str, str | int | None]:
    """CPU, cores, memory, kernel and client-side versions, as plain JSON values."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu_model": _first_cpuinfo_value("model name", "Model", "cpu model")
        or platform.processor()
        or None,
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory": _memory_total(),
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "boto3": _package_version("boto3"),
        "botocore": _package_version("botocore"),
        "clock_ticks_per_second": CLOCK_TICKS_PER_SECOND,
        "git_commit": _git_commit(repo),
    }
