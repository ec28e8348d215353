"""Turn measurements into the Markdown report and the raw JSON record."""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from workload import PhaseResult

OK = "ok"
PARTIAL = "partial"  # some calls failed; numbers still count every call
UNSUPPORTED = "unsupported"
HASHING_MARK = "‡"
HASHING_NOTE = (
    f"{HASHING_MARK} Crypto operation: Cognitio does real cryptography here (argon2id for every"
    " password it stores or checks, SRP, RS256-signed tokens) where the peers store and compare"
    " the password as it is and do little or no cryptography, so the ratio measures that"
    " security work, not overhead. The 0.5 target does not apply to it. Per call, Cognitio does:"
)
FLOOR_TARGET = 1.3  # the most a password sign-in may cost, in argon2id verifies
FLOOR_SERVER = "cognitio"


@dataclass(frozen=True)
class Measurement:
    """One timed phase (or a refusal to run it) of one operation against one server."""

    server: str
    operation: str
    round: int
    status: str
    detail: str | None = None  # the error for UNSUPPORTED/PARTIAL, or a remark on the answers
    phase: PhaseResult | None = None

    @property
    def calls_per_s(self) -> float | None:
        if self.phase is None or self.phase.wall_s <= 0:
            return None
        return self.phase.calls / self.phase.wall_s

    @property
    def server_cpu_us_per_call(self) -> float | None:
        if self.phase is None:
            return None
        return self.phase.server_cpu_s / self.phase.calls * 1e6

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "server": self.server,
            "operation": self.operation,
            "round": self.round,
            "status": self.status,
            "detail": self.detail,
        }
        if self.phase is not None:
            phase = self.phase
            record |= {
                "planned_calls": phase.planned_calls,
                "calls": phase.calls,
                "errors": phase.errors,
                "wall_s": round(phase.wall_s, 6),
                "server_cpu_s": round(phase.server_cpu_s, 6),
                "client_cpu_s": round(phase.client_cpu_s, 6),
                "calls_per_s": round(self.calls_per_s or 0.0, 2),
                "server_cpu_us_per_call": round(self.server_cpu_us_per_call or 0.0, 2),
                "client_cpu_us_per_call": round(phase.client_cpu_s / phase.calls * 1e6, 2),
                "server_cpu_share_of_wall": round(phase.server_cpu_s / phase.wall_s, 4),
                "latency_ms": _latency_percentiles(phase.latencies_s),
            }
        return record


def _latency_percentiles(sorted_latencies_s: Sequence[float]) -> dict[str, float]:
    if not sorted_latencies_s:
        return {}
    last = len(sorted_latencies_s) - 1
    return {
        f"p{percent}": round(sorted_latencies_s[round(last * percent / 100)] * 1000, 3)
        for percent in (50, 90, 99)
    }


@dataclass(frozen=True)
class Floor:
    """CPU of one argon2id verify, sampled around the password sign-in's phases."""

    operation: str  # the operation whose server CPU per call is compared with it
    calls_per_sample: int
    samples_s: list[float]

    @property
    def median_s(self) -> float:
        return statistics.median(self.samples_s)

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "calls_per_sample": self.calls_per_sample,
            "samples_us": [round(sample * 1e6, 1) for sample in self.samples_s],
            "median_us": round(self.median_s * 1e6, 1),
            "target_ratio": FLOOR_TARGET,
        }


@dataclass(frozen=True)
class Report:
    machine: dict[str, Any]
    settings: dict[str, Any]
    servers: dict[str, dict[str, Any]]  # name -> {"version", "status", ...}
    measurements: list[Measurement]
    baseline: str | None
    floor: Floor | None = None  # one argon2id verify, when the password sign-in was run

    def to_json(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "servers": self.servers,
            "baseline": self.baseline,
            "argon2id_verify_floor": self.floor.to_json() if self.floor else None,
            "measurements": [m.to_json() for m in self.measurements],
        }

    def measured_servers(self) -> list[str]:
        """Servers that ran at least one phase, in the order they were asked for."""
        seen = {m.server for m in self.measurements}
        return [name for name in self.servers if name in seen]

    def operations(self) -> list[str]:
        return list(dict.fromkeys(m.operation for m in self.measurements))

    def is_crypto(self, operation: str) -> bool:
        return operation in self.settings.get(
            "crypto_operations", {}
        ) or operation in self.settings.get("password_hashing_operations", ())

    def crypto_work(self, operation: str) -> str:
        work = self.settings.get("crypto_operations", {}).get(operation)
        return str(work) if work else "argon2id password hashing"

    def label(self, operation: str) -> str:
        return f"{operation} {HASHING_MARK}" if self.is_crypto(operation) else operation

    def cell(self, server: str, operation: str) -> "Cell":
        rounds = [m for m in self.measurements if (m.server, m.operation) == (server, operation)]
        return Cell(rounds)


@dataclass(frozen=True)
class Cell:
    """All rounds of one (server, operation): the median is what the tables show."""

    rounds: list[Measurement]

    @property
    def supported(self) -> bool:
        return any(m.phase is not None for m in self.rounds)

    @property
    def partial(self) -> bool:
        return any(m.status == PARTIAL for m in self.rounds)

    def median(self, metric: Callable[[Measurement], float | None]) -> float | None:
        values = [v for v in map(metric, self.rounds) if v is not None]
        return statistics.median(values) if values else None


def _cpu_us(measurement: Measurement) -> float | None:
    return measurement.server_cpu_us_per_call


def _calls_per_s(measurement: Measurement) -> float | None:
    return measurement.calls_per_s


def _format_value(cell: Cell, value: float | None) -> str:
    if not cell.rounds:
        return "-"
    if value is None:
        return UNSUPPORTED
    text = f"{value:,.0f}"
    return text + " †" if cell.partial else text


def _format_ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator == 0:
        return "-"
    return f"{numerator / denominator:.2f}"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(
    report: Report,
    metric: Callable[[Measurement], float | None],
    with_cheapest_peer: bool,
) -> list[str]:
    servers = report.measured_servers()
    baseline = report.baseline
    peers = [name for name in servers if name != baseline]
    header = ["Operation", *servers]
    if baseline is not None:
        header += [f"{baseline} / {peer}" for peer in peers]
        if with_cheapest_peer and len(peers) > 1:
            header.append(f"{baseline} / cheapest peer")
    lines = [_row(header), _row(["---", *["---:"] * (len(header) - 1)])]
    for operation in report.operations():
        values = {name: report.cell(name, operation).median(metric) for name in servers}
        row = [report.label(operation)]
        row += [_format_value(report.cell(name, operation), values[name]) for name in servers]
        if baseline is not None:
            row += [_format_ratio(values[baseline], values[peer]) for peer in peers]
            if with_cheapest_peer and len(peers) > 1:
                row.append(_cheapest_peer_ratio(values, baseline, peers))
        lines.append(_row(row))
    return lines


def _cheapest_peer_ratio(values: dict[str, float | None], baseline: str, peers: list[str]) -> str:
    measured = [(value, peer) for peer in peers if (value := values[peer]) is not None]
    if not measured or values[baseline] is None:
        return "-"
    cheapest_value, cheapest = min(measured)
    return f"{_format_ratio(values[baseline], cheapest_value)} ({cheapest})"


def _notes(report: Report) -> list[str]:
    notes: list[str] = []
    for name, server in report.servers.items():
        if server["status"] != OK:
            notes.append(f"- **{name}** not measured: {server['status']}")
    for measurement in report.measurements:
        if measurement.detail is None or measurement.round != 1:
            continue
        label = f"**{measurement.server}** {measurement.operation}"
        if measurement.status == UNSUPPORTED:
            notes.append(f"- {label}: unsupported ({measurement.detail})")
        elif measurement.status == PARTIAL:
            notes.append(f"- {label} †: some calls failed, e.g. {measurement.detail}")
        else:
            notes.append(f"- {label}: {measurement.detail}")
    return notes


def _floor_lines(report: Report) -> list[str]:
    floor = report.floor
    if floor is None:
        return []
    samples = ", ".join(f"{sample * 1e6:,.0f}" for sample in floor.samples_s)
    lines = [
        "",
        "## Password sign-in floor",
        "",
        f"- One argon2id verify at Cognitio's default parameters: {floor.median_s * 1e6:,.0f} µs"
        f" of CPU (median of {len(floor.samples_s)} samples of {floor.calls_per_sample} verifies,"
        f" taken just before and after the {floor.operation} phases: {samples} µs)",
    ]
    server_cpu = report.cell(FLOOR_SERVER, floor.operation).median(_cpu_us)
    if server_cpu is not None:
        ratio = server_cpu / (floor.median_s * 1e6)
        verdict = "met" if ratio <= FLOOR_TARGET else "missed"
        lines.append(
            f"- {floor.operation} server CPU / argon2id verify: {server_cpu:,.0f} /"
            f" {floor.median_s * 1e6:,.0f} = **{ratio:.2f}** (target at most"
            f" {FLOOR_TARGET:g}: {verdict})"
        )
    return lines


def to_markdown(report: Report) -> str:
    """The report as Markdown: settings, machine, two tables and notes."""
    machine, settings = report.machine, report.settings
    tick_us = 1e6 / machine["clock_ticks_per_second"]
    hashing_ops = [op for op in report.operations() if report.is_crypto(op)]
    hashing_calls = settings.get("calls_password_hashing", settings["calls"])
    calls = f"{settings['calls']} timed calls per operation"
    resolution = f"{tick_us / settings['calls']:.0f} µs per call at this call count"
    if hashing_ops and hashing_calls != settings["calls"]:
        calls += f" ({hashing_calls} for the crypto ones, ‡)"
        resolution += f" ({tick_us / hashing_calls:.0f} µs at {hashing_calls})"
    lines = [
        "# Cognitio side-by-side benchmark",
        "",
        f"- Date: {machine['date']}; commit: {machine['git_commit'] or 'none'}",
        f"- CPU: {machine['cpu_model']}; {machine['usable_cores']} usable of"
        f" {machine['logical_cores']} logical cores; memory {machine['memory']};"
        f" {machine['kernel']}",
        f"- Client: Python {machine['python']}, boto3 {machine['boto3']},"
        f" botocore {machine['botocore']}",
        "- Servers: "
        + "; ".join(
            f"{name} {server['version']}" + ("" if server["status"] == OK else " (not measured)")
            for name, server in report.servers.items()
        ),
        f"- Workload: {calls} after"
        f" {settings['warmup']} warm-up calls, {settings['concurrency']} client thread(s),"
        f" {settings['repeat']} round(s) (median shown), at most {settings['time_limit_s']:g} s"
        " per phase" + ("; Cognitio on PostgreSQL" if settings["database"] == "postgresql" else ""),
        "- Server CPU is utime+stime of the server's process tree from /proc; one clock tick"
        f" is {resolution}",
    ]
    if report.baseline is not None:
        lines.append(
            f"- Ratios are {report.baseline} / peer: below 1 means {report.baseline} uses less"
            " CPU per call (first table) or serves fewer calls per second (second table)"
        )
    lines += ["", "## Server CPU per call (µs, lower is better)", ""]
    lines += _table(report, _cpu_us, with_cheapest_peer=True)
    if hashing_ops:
        lines += ["", HASHING_NOTE, ""]
        lines += [f"- {op}: {report.crypto_work(op)}" for op in hashing_ops]
    lines += _floor_lines(report)
    lines += ["", "## Throughput (calls/s, higher is better)", ""]
    lines += _table(report, _calls_per_s, with_cheapest_peer=False)
    notes = _notes(report)
    if notes:
        lines += ["", "## Notes", "", *notes]
    return "\n".join(lines) + "\n"
