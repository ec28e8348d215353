"""How ListUsers behaves as a pool grows: latency of filtered and unfiltered pages at N users.

Users are written straight into a fresh SQLite database (through the same tables the server
uses) because creating a million users through the API would mostly time argon2id. The server
is then started on that database and queried with boto3.

    .venv/bin/python benchmarks/list_users_scale.py --users 10000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

KEY_ID = "AKIASCALEBENCH000000"
SECRET = "scale-bench-secret-0123456789abcdefghijk"
BATCH = 20_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(COGNITIO_ADMIN_ACCESS_KEY_ID=KEY_ID, COGNITIO_ADMIN_SECRET_ACCESS_KEY=SECRET)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cognitio",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def fill(database: Path, pool_id: str, count: int) -> None:
    """Insert ``count`` users (rows and search values) as the server itself would."""
    conn = sqlite3.connect(database)
    now = int(time.time() * 1000)
    for first in range(0, count, BATCH):
        users, search = [], []
        for index in range(first, min(first + BATCH, count)):
            sub = str(uuid.uuid4())
            name = f"user{index:07d}"
            email = f"{name}@example.com"
            attributes = json.dumps({"email": email, "email_verified": "true"})
            users.append(
                (
                    sub,
                    pool_id,
                    name,
                    name,
                    "CONFIRMED",
                    1,
                    attributes,
                    None,
                    None,
                    None,
                    now,
                    now,
                    1,
                )
            )
            search += [
                (pool_id, "username", name, sub),
                (pool_id, "sub", sub, sub),
                (pool_id, "cognito:user_status", "CONFIRMED", sub),
                (pool_id, "status", "Enabled", sub),
                (pool_id, "email", email, sub),
                (pool_id, "email_verified", "true", sub),
            ]
        conn.executemany(
            "INSERT INTO users (sub, pool_id, username, username_key, status, enabled, "
            "attributes, password_hash, srp_sealed, password_set_ms, created_ms, updated_ms, "
            "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            users,
        )
        conn.executemany(
            "INSERT INTO user_search (pool_id, name, value, sub) VALUES (?, ?, ?, ?)", search
        )
        conn.commit()
    conn.close()


def timed(call: Any, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(count: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        port = free_port()
        server = start(data_dir, port)
        idp = boto3.client(
            "cognito-idp",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
            config=Config(retries={"max_attempts": 0}),
        )
        pool_id = idp.create_user_pool(PoolName="scale")["UserPool"]["Id"]
        server.terminate()
        server.wait()
        started = time.perf_counter()
        fill(data_dir / "cognitio.db", pool_id, count)
        filled = time.perf_counter() - started
        server = start(data_dir, port)
        try:
            middle = f"user{count // 2:07d}"
            results = {
                "fill_s": filled,
                "first page (60)": timed(lambda: idp.list_users(UserPoolId=pool_id), repeat),
                "email = (1 match)": timed(
                    lambda: idp.list_users(
                        UserPoolId=pool_id, Filter=f'email = "{middle}@example.com"'
                    ),
                    repeat,
                ),
                "email ^= (10 matches)": timed(
                    lambda: idp.list_users(UserPoolId=pool_id, Filter=f'email ^= "{middle[:-1]}"'),
                    repeat,
                ),
                "status = (page of 60)": timed(
                    lambda: idp.list_users(
                        UserPoolId=pool_id, Filter='cognito:user_status = "CONFIRMED"'
                    ),
                    repeat,
                ),
                "AdminGetUser": timed(
                    lambda: idp.admin_get_user(UserPoolId=pool_id, Username=middle), repeat
                ),
            }
        finally:
            server.terminate()
            server.wait()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rows = {count: measure(count, args.repeat) for count in args.users}
    names = [name for name in next(iter(rows.values())) if name != "fill_s"]
    print("| Call (median ms, one client) | " + " | ".join(f"{c:,} users" for c in rows) + " |")
    print("| --- | " + " | ".join("---:" for _ in rows) + " |")
    for name in names:
        print(f"| {name} | " + " | ".join(f"{rows[c][name]:.2f}" for c in rows) + " |")
    for count, result in rows.items():
        print(f"\nfilled {count:,} users in {result['fill_s']:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
