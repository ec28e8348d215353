"""Benchmark Cognitio side by side with its peers and report each server's CPU per call.

Starts every requested server as a subprocess on a free loopback port, runs the same boto3
workload against each (operation by operation, servers interleaved so that a slow spell of the
machine hits all of them alike), and prints Markdown tables of calls/s and server CPU µs per
call, with Cognitio / peer ratios. See benchmarks/README.md.

    .venv/bin/python benchmarks/run.py --servers moto,cognito-local --n 500
"""

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from floor import VERIFY_CALLS, argon2id_verify_cpu_s
from machine import machine_info
from report import OK, PARTIAL, UNSUPPORTED, Floor, Measurement, Report, to_markdown
from servers import (
    PEERS_DIR,
    REPO_ROOT,
    SERVER_KINDS,
    RunningServer,
    ServerOptions,
    ServerStartError,
    running_server,
    throwaway_database,
)
from workload import (
    CALL_ERRORS,
    OPERATIONS,
    CognitoClient,
    Fixture,
    Operation,
    PhaseResult,
    create_fixture,
    describe_error,
    make_clients,
    run_phase,
)

PEERS_HINT = "run benchmarks/peers.sh to install the peers"


def say(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the Markdown report."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Target:
    """A running server with its clients, its fixture and what it has refused so far."""

    server: RunningServer
    clients: list[CognitoClient]
    fixture: Fixture
    unsupported: set[str]
    next_index: int = 0

    def take_indices(self, count: int) -> int:
        """Reserve `count` call indices (for unique names) and return the first."""
        first = self.next_index
        self.next_index += count
        return first


def _comma_list(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in choices]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {', '.join(unknown) or 'empty list'}; choose from {', '.join(choices)}"
            )
        return names

    return parse


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--servers",
        type=_comma_list(list(SERVER_KINDS)),
        default=list(SERVER_KINDS),
        help="comma-separated servers to run (default: %(default)s)",
    )
    parser.add_argument(
        "--ops",
        type=_comma_list(list(OPERATIONS)),
        default=list(OPERATIONS),
        help="comma-separated operations, run in the default order (default: all)",
    )
    parser.add_argument("--n", type=_positive, default=2000, help="timed calls per operation")
    parser.add_argument(
        "--n-hashing",
        type=_positive,
        help="timed calls for the crypto operations, marked ‡ (SignUp, AdminCreateUser and the"
        " sign-ins but GetUser); default: --n",
    )
    parser.add_argument(
        "--warmup", type=_non_negative, default=200, help="untimed calls before each timed phase"
    )
    parser.add_argument(
        "--concurrency", type=_positive, default=1, help="client threads, one boto3 client each"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=120.0,
        help="seconds after which a phase (warm-up or timed) makes no new call (default: 120)",
    )
    parser.add_argument(
        "--repeat", type=_positive, default=1, help="rounds over all operations; medians shown"
    )
    parser.add_argument(
        "--baseline", default="cognitio", help="server the ratios divide by its peers"
    )
    parser.add_argument("--out", type=Path, help="write the Markdown here and JSON beside it")
    parser.add_argument(
        "--cognitio-bin",
        type=Path,
        default=REPO_ROOT / ".venv" / "bin" / "cognitio",
        help="the cognitio command (default: %(default)s)",
    )
    parser.add_argument(
        "--cognitio-database-url",
        help="run Cognitio on PostgreSQL; a URL without a database name gets a throwaway"
        " database cognitio_bench_<pid>, created and dropped with psql",
    )
    parser.add_argument(
        "--peers-dir", type=Path, default=PEERS_DIR, help="where peers.sh installed the peers"
    )
    return parser.parse_args(argv)


def start_targets(
    args: argparse.Namespace, options: ServerOptions, stack: ExitStack
) -> tuple[list[Target], dict[str, dict[str, Any]]]:
    """Start each requested server and create its fixture; skip, with a reason, those that fail."""
    targets: list[Target] = []
    statuses: dict[str, dict[str, Any]] = {}
    for name in args.servers:
        kind = SERVER_KINDS[name]
        executable = kind.executable(options)
        if not executable.exists():
            hint = "" if name == "cognitio" else f"; {PEERS_HINT}"
            reason = f"skipped: {executable} not found{hint}"
            say(f"{name}: {reason}")
            statuses[name] = {"version": "not installed", "status": reason}
            continue
        try:
            server = stack.enter_context(running_server(kind, options))
        except ServerStartError as error:
            reason = f"skipped: {error.reason}"
            log = error.log_tail or "(empty)"
            say(f"{name}: {reason}; last lines of its log:\n{log}")
            statuses[name] = {"version": kind.version(options), "status": reason}
            continue
        say(f"{name}: pid {server.pid} at {server.endpoint_url} ({server.version})")
        statuses[name] = {"version": server.version, "status": OK, "pid": server.pid}
        clients = make_clients(server, args.concurrency)
        try:
            fixture = create_fixture(clients[0])
        except CALL_ERRORS as error:
            reason = f"setup failed: {describe_error(error)}"
            say(f"{name}: skipped: {reason}")
            statuses[name]["status"] = reason
            continue
        targets.append(Target(server, clients, fixture, unsupported=set()))
    return targets, statuses


def timed_calls(args: argparse.Namespace, operation: Operation) -> int:
    if operation.is_crypto and args.n_hashing is not None:
        return int(args.n_hashing)
    return int(args.n)


def measure(
    target: Target, operation: Operation, args: argparse.Namespace, round_number: int
) -> Measurement:
    """Probe, warm up, then time one operation against one server."""

    def refused(detail: str) -> Measurement:
        target.unsupported.add(operation.name)
        return Measurement(target.server.name, operation.name, round_number, UNSUPPORTED, detail)

    if not target.server.is_alive():
        return refused(f"server exited with code {target.server.process.returncode}")
    if operation.needs and (error := target.fixture.setup_errors.get(operation.needs)):
        return refused(f"{operation.needs} not made in setup: {error}")
    # The probe is the first warm-up call: an error here means the server cannot do this at all.
    try:
        response = operation.call(target.clients[0], target.fixture, target.take_indices(1))
    except CALL_ERRORS as error:
        return refused(describe_error(error))
    remark = operation.check(response) if operation.check else None

    def phase(calls: int) -> PhaseResult:
        return run_phase(
            target.server,
            target.clients,
            operation,
            target.fixture,
            calls,
            target.take_indices(calls),
            args.time_limit,
        )

    if args.warmup > 1:
        phase(args.warmup - 1)
    result = phase(timed_calls(args, operation))
    if result.errors == result.calls:
        return refused(result.first_error or "every call failed")
    if result.calls < result.planned_calls:
        cut = f"time limit reached after {result.calls} of {result.planned_calls} calls"
        remark = f"{remark}; {cut}" if remark else cut
    status, detail = (PARTIAL, result.first_error) if result.errors else (OK, remark)
    return Measurement(
        target.server.name, operation.name, round_number, status, detail, phase=result
    )


def _progress_line(measurement: Measurement) -> str:
    head = f"round {measurement.round} {measurement.server:>13} {measurement.operation:<22}"
    if measurement.phase is None:
        return f"{head} {measurement.status}: {measurement.detail}"
    return (
        f"{head} {measurement.calls_per_s or 0:8.0f} calls/s"
        f" {measurement.server_cpu_us_per_call or 0:8.0f} µs server CPU/call"
        + (f" ({measurement.phase.errors} errors)" if measurement.phase.errors else "")
    )


# Its server CPU per call is compared with one argon2id verify, measured just before and just
# after its phases in every round so that the floor sees the same spell of the machine.
FLOOR_OPERATION = "InitiateAuth (USER_PASSWORD_AUTH)"


def _floor_sample(floor_samples_s: list[float]) -> None:
    sample = argon2id_verify_cpu_s()
    if sample is None:
        say("argon2id floor: cognitio is not importable here; not measured")
        return
    say(f"argon2id floor: {sample * 1e6:,.0f} µs CPU per verify ({VERIFY_CALLS} calls)")
    floor_samples_s.append(sample)


def measure_all(
    targets: list[Target], args: argparse.Namespace
) -> tuple[list[Measurement], list[float]]:
    measurements: list[Measurement] = []
    floor_samples_s: list[float] = []
    for round_number in range(1, args.repeat + 1):
        for name in args.ops:
            operation = OPERATIONS[name]
            if name == FLOOR_OPERATION:
                _floor_sample(floor_samples_s)
            for target in targets:
                if name in target.unsupported:
                    continue
                measurement = measure(target, operation, args, round_number)
                say(_progress_line(measurement))
                measurements.append(measurement)
            if name == FLOOR_OPERATION:
                _floor_sample(floor_samples_s)
    return measurements, floor_samples_s


def write_outputs(report: Report, markdown: str, out: Path) -> None:
    json_path = out.with_suffix(".json")
    markdown_path = out.with_suffix(".md") if json_path == out else out
    out.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text(markdown)
    json_path.write_text(json.dumps(report.to_json(), indent=2) + "\n")
    say(f"wrote {markdown_path} and {json_path}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    # Ops always run in the registry's order (CreateUserPool after ListUserPools).
    args.ops = [name for name in OPERATIONS if name in args.ops]
    options = ServerOptions(cognitio_bin=args.cognitio_bin, peers_dir=args.peers_dir)
    with ExitStack() as stack:
        wants_database = "cognitio" in args.servers and args.cognitio_bin.exists()
        if args.cognitio_database_url and wants_database:
            database_url = stack.enter_context(throwaway_database(args.cognitio_database_url))
            options = replace(options, cognitio_database_url=database_url)
        targets, statuses = start_targets(args, options, stack)
        if not targets:
            say("no server could be measured")
            return 1
        measurements, floor_samples_s = measure_all(targets, args)

    measured = [target.server.name for target in targets]
    baseline = args.baseline if args.baseline in measured else measured[0]
    if baseline != args.baseline:
        say(f"{args.baseline} was not measured; ratios use {baseline} as the baseline")
    if len(measured) == 1:
        baseline = None
    report = Report(
        machine=machine_info(REPO_ROOT),
        settings={
            "calls": args.n,
            "calls_password_hashing": args.n_hashing or args.n,
            "password_hashing_operations": [
                name for name in args.ops if OPERATIONS[name].hashes_password
            ],
            "crypto_operations": {
                name: OPERATIONS[name].crypto for name in args.ops if OPERATIONS[name].is_crypto
            },
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "repeat": args.repeat,
            "time_limit_s": args.time_limit,
            "operations": args.ops,
            "database": "postgresql" if options.cognitio_database_url else "default",
        },
        servers=statuses,
        measurements=measurements,
        baseline=baseline,
        floor=Floor(FLOOR_OPERATION, VERIFY_CALLS, floor_samples_s) if floor_samples_s else None,
    )
    markdown = to_markdown(report)
    print(markdown, end="")
    if args.out is not None:
        write_outputs(report, markdown, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
