"""CPU time that a process tree has used, read from Linux's /proc.

Fields of /proc/<pid>/stat are documented in proc_pid_stat(5): after the command name (in
parentheses, and free to hold spaces) come state, ppid, ... and at positions 14-17 utime, stime,
cutime and cstime, all in clock ticks (sysconf(_SC_CLK_TCK), usually 100 per second).
"""

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessTicks:
    """One process's line of /proc/<pid>/stat, reduced to what CPU accounting needs."""

    pid: int
    parent_pid: int
    own_ticks: int  # utime + stime, summed over all of the process's threads
    reaped_children_ticks: int  # cutime + cstime of children it has waited for


def read_process_ticks(pid: int) -> ProcessTicks | None:
    """Parse /proc/<pid>/stat, or None when the process has gone."""
    try:
        line = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # Split after the last ')' since the command name itself may contain ') '.
    fields = line[line.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state) of proc_pid_stat(5), so field N is fields[N - 3].
    return ProcessTicks(
        pid=pid,
        parent_pid=int(fields[1]),
        own_ticks=int(fields[11]) + int(fields[12]),
        reaped_children_ticks=int(fields[13]) + int(fields[14]),
    )


def _parents_by_pid() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        ticks = read_process_ticks(int(entry.name))
        if ticks is not None:
            parents[ticks.pid] = ticks.parent_pid
    return parents


def descendants(root_pid: int) -> list[int]:
    """PIDs of every live process below root_pid (children, grandchildren, ...)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents_by_pid().items():
        children.setdefault(parent, []).append(pid)
    found: list[int] = []
    pending = list(children.get(root_pid, []))
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def process_tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds used so far by root_pid and all its descendants.

    Live descendants count through their own ticks; exited ones through the cutime/cstime of
    the parent that reaped them, so a child that ends between two readings is not lost.
    """
    total_ticks = 0
    for pid in [root_pid, *descendants(root_pid)]:
        ticks = read_process_ticks(pid)
        if ticks is not None:
            total_ticks += ticks.own_ticks + ticks.reaped_children_ticks
    return total_ticks / CLOCK_TICKS_PER_SECOND
