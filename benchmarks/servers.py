"""The servers under test: how to launch each one, wait for it, and stop it.

Each server runs as our own subprocess on a free loopback port, in a fresh temporary directory,
so the harness knows its PID (for /proc CPU accounting) and leaves no state behind.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from proc_cpu import process_tree_cpu_seconds

BENCHMARKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCHMARKS_DIR.parent
PEERS_DIR = BENCHMARKS_DIR / ".peers"
HOST = "127.0.0.1"
REGION = "us-east-1"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

COGNITIO_ACCESS_KEY_ID = "AKIABENCH0000000000"


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str


# Peers accept any credentials; they do not verify signatures.
ANY_CREDENTIALS = Credentials("testing", "testing")


@dataclass(frozen=True)
class ServerOptions:
    """Where the harness finds each server's program, and Cognitio's storage choice."""

    cognitio_bin: Path
    peers_dir: Path
    cognitio_database_url: str | None = None
    # Identity pools: the configuration file with the roles ([iam]), and the master key
    # (base64) the harness shares with Cognitio to check the credentials in its own process.
    cognitio_config: Path | None = None
    cognitio_master_key: str | None = None


@dataclass(frozen=True)
class Launch:
    """Everything needed to start one server process and know when it is up."""

    argv: list[str]
    env: dict[str, str]  # added to the harness's own environment
    cwd: Path
    credentials: Credentials
    ready_path: str = "/health"
    ready_needs_ok: bool = True  # False: any HTTP answer, even an error, means it is up


class ServerKind(Protocol):
    """One server implementation the harness knows how to run."""

    name: str

    def executable(self, options: ServerOptions) -> Path: ...

    def launch(self, port: int, data_dir: Path, options: ServerOptions) -> Launch: ...

    def version(self, options: ServerOptions) -> str: ...


class Cognitio:
    name = "cognitio"

    def executable(self, options: ServerOptions) -> Path:
        return options.cognitio_bin

    def launch(self, port: int, data_dir: Path, options: ServerOptions) -> Launch:
        argv = [str(options.cognitio_bin), "serve", "--host", HOST, "--port", str(port)]
        argv += ["--data-dir", str(data_dir)]
        if options.cognitio_database_url:
            argv += ["--database-url", options.cognitio_database_url]
        if options.cognitio_config:
            argv += ["--config", str(options.cognitio_config)]
        # A fresh admin secret per run: 30 random bytes are 40 URL-safe characters.
        credentials = Credentials(COGNITIO_ACCESS_KEY_ID, secrets.token_urlsafe(30))
        env = {
            "COGNITIO_ADMIN_ACCESS_KEY_ID": credentials.access_key_id,
            "COGNITIO_ADMIN_SECRET_ACCESS_KEY": credentials.secret_access_key,
            # The workload signs one user in from one address thousands of times a minute,
            # which the default abuse limits would rightly refuse. The buckets stay on, at
            # rates it cannot reach, so each call still pays for its check.
            "COGNITIO_RATE_LIMIT_IP_PER_SECOND": "1000000",
            "COGNITIO_RATE_LIMIT_USER_PER_SECOND": "1000000",
        }
        if options.cognitio_master_key:
            env["COGNITIO_MASTER_KEY"] = options.cognitio_master_key
        return Launch(argv=argv, env=env, cwd=data_dir, credentials=credentials)

    def version(self, options: ServerOptions) -> str:
        python = options.cognitio_bin.parent / "python"
        return _python_package_version(python, "cognitio")


class Moto:
    name = "moto"

    def executable(self, options: ServerOptions) -> Path:
        return options.peers_dir / "moto" / "bin" / "moto_server"

    def launch(self, port: int, data_dir: Path, options: ServerOptions) -> Launch:
        argv = [str(self.executable(options)), "-H", HOST, "-p", str(port)]
        # moto keeps its state in memory; it has no /health, so any answer to "/" will do.
        return Launch(
            argv=argv,
            env={},
            cwd=data_dir,
            credentials=ANY_CREDENTIALS,
            ready_path="/",
            ready_needs_ok=False,
        )

    def version(self, options: ServerOptions) -> str:
        python = options.peers_dir / "moto" / "bin" / "python"
        return _python_package_version(python, "moto")


class CognitoLocal:
    name = "cognito-local"

    def executable(self, options: ServerOptions) -> Path:
        return options.peers_dir / "node" / "node_modules" / ".bin" / "cognito-local"

    def launch(self, port: int, data_dir: Path, options: ServerOptions) -> Launch:
        # cognito-local reads PORT and HOST from the environment and always keeps its data in
        # ./.cognito/ under its working directory, so the temporary directory is its cwd.
        env = {"PORT": str(port), "HOST": HOST}
        # Its default config gives every new pool UsernameAttributes=["email"], which Cognito's
        # CreateUserPool does not; an empty list makes its pools take plain usernames too.
        config_dir = data_dir / ".cognito"
        config_dir.mkdir(exist_ok=True)
        config: dict[str, dict[str, list[str]]] = {"UserPoolDefaults": {"UsernameAttributes": []}}
        (config_dir / "config.json").write_text(json.dumps(config))
        return Launch(
            argv=[str(self.executable(options))],
            env=env,
            cwd=data_dir,
            credentials=ANY_CREDENTIALS,
        )

    def version(self, options: ServerOptions) -> str:
        manifest = options.peers_dir / "node" / "node_modules" / "cognito-local" / "package.json"
        try:
            package = json.loads(manifest.read_text())
        except (OSError, ValueError):
            return "unknown"
        node = shutil.which("node")
        node_version = _command_output([node, "--version"]) if node else "no node"
        return f"{package.get('version', 'unknown')} (node {node_version})"


SERVER_KINDS: dict[str, ServerKind] = {
    kind.name: kind for kind in (Cognitio(), Moto(), CognitoLocal())
}


class ServerStartError(Exception):
    """A server did not come up: `reason` says why in one line, `log_tail` what it printed."""

    def __init__(self, reason: str, log_tail: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.log_tail = log_tail


@dataclass
class RunningServer:
    """A server process the harness started, with what a client needs to reach it."""

    name: str
    version: str
    process: subprocess.Popen[bytes]
    endpoint_url: str
    credentials: Credentials
    data_dir: Path
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by the server process and its children."""
        return process_tree_cpu_seconds(self.pid)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server's process group (only ever the one this harness started)."""
        if self.is_alive():
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    # Started with start_new_session=True, so its process group id is its own pid.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(url: str, needs_ok: bool) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return not needs_ok or response.status == 200
    except urllib.error.HTTPError:
        return not needs_ok
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_server(kind: ServerKind, options: ServerOptions) -> Iterator[RunningServer]:
    """Start a server in a fresh temporary directory; stop it and remove the directory after."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-{kind.name}-"))
    try:
        port = free_port()
        launch = kind.launch(port, data_dir, options)
        log_path = data_dir / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                launch.argv,
                cwd=launch.cwd,
                env={**os.environ, **launch.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = RunningServer(
            name=kind.name,
            version=kind.version(options),
            process=process,
            endpoint_url=f"http://{HOST}:{port}",
            credentials=launch.credentials,
            data_dir=data_dir,
            log_path=log_path,
        )
        try:
            _wait_until_ready(server, launch)
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait_until_ready(server: RunningServer, launch: Launch) -> None:
    url = server.endpoint_url + launch.ready_path
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not server.is_alive():
            raise ServerStartError(
                f"exited with code {server.process.returncode} while starting",
                server.log_tail(),
            )
        if _answers(url, launch.ready_needs_ok):
            return
        time.sleep(0.1)  # poll interval while the server boots
    raise ServerStartError(
        f"did not answer {url} within {STARTUP_TIMEOUT_S:.0f} s", server.log_tail()
    )


@contextmanager
def throwaway_database(server_url: str) -> Iterator[str]:
    """Yield a PostgreSQL URL for Cognitio; create and later drop a database if none is named.

    A URL that names a database (postgresql://host/db) is used as it is. A URL without one
    (postgresql://postgres@127.0.0.1:5432) gets a database cognitio_bench_<pid>, made with psql.
    """
    parts = urlsplit(server_url)
    if parts.path.strip("/"):
        yield server_url
        return
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("--cognitio-database-url names no database and psql is not installed")
    name = f"cognitio_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    _psql(psql, admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        _psql(psql, admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(psql: str, url: str, statement: str) -> None:
    try:
        subprocess.run(
            [psql, url, "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", statement],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError as error:
        # Name the server by host and port only: the URL may carry a password.
        where = urlsplit(url)
        raise SystemExit(
            f"psql failed ({error.returncode}) on {where.hostname}:{where.port}: {statement}"
        ) from error


def _python_package_version(python: Path, package: str) -> str:
    if not python.exists():
        return "unknown"
    script = "import importlib.metadata, sys; print(importlib.metadata.version(sys.argv[1]))"
    return _command_output([str(python), "-c", script, package]) or "unknown"


def _command_output(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
