"""The operations the harness times, the fixture they run on, and the timed phase itself.

Every server gets the same calls from the same boto3 code, so differences in the numbers come
from the servers. Operations are registered in OPERATIONS; their order is the run order.
"""

import resource
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from servers import REGION, RunningServer

# boto3 ships no type information; a cognito-idp client is dynamically generated.
CognitoClient = Any
Response = Mapping[str, Any]

LIST_POOLS_IN_SETUP = 20
LIST_PAGE_SIZE = 10
# Cognito caps a pool at 1,000 app clients; CreateUserPoolClient spreads its calls over
# this many pools so long runs stay under the cap on every server.
CLIENT_POOLS = 10


@dataclass(frozen=True)
class Fixture:
    """Resources created once per server before any timed phase."""

    pool_id: str
    client_id: str
    client_pools: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    """One API call to time. `call` gets a per-call index to make names unique."""

    name: str
    call: Callable[[CognitoClient, Fixture, int], Response]
    # Looks at one answer and returns a remark when the server deviates from Cognito's contract.
    check: Callable[[Response], str | None] | None = None


def _describe_user_pool(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.describe_user_pool(UserPoolId=fixture.pool_id)
    return response


def _create_user_pool_client(client: CognitoClient, fixture: Fixture, index: int) -> Response:
    pool_id = fixture.client_pools[index % len(fixture.client_pools)]
    response: Response = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName=f"bench-client-{index}"
    )
    return response


def _list_user_pools(client: CognitoClient, _fixture: Fixture, _index: int) -> Response:
    response: Response = client.list_user_pools(MaxResults=LIST_PAGE_SIZE)
    return response


def _check_list_page_size(response: Response) -> str | None:
    returned = len(response.get("UserPools", []))
    if returned > LIST_PAGE_SIZE:
        return f"returns {returned} pools for MaxResults={LIST_PAGE_SIZE} (no pagination)"
    return None


def _describe_user_pool_client(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.describe_user_pool_client(
        UserPoolId=fixture.pool_id, ClientId=fixture.client_id
    )
    return response


def _create_user_pool(client: CognitoClient, _fixture: Fixture, index: int) -> Response:
    response: Response = client.create_user_pool(PoolName=f"bench-pool-{index}")
    return response


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("DescribeUserPool", _describe_user_pool),
        Operation("CreateUserPoolClient", _create_user_pool_client),
        Operation("ListUserPools", _list_user_pools, _check_list_page_size),
        Operation("DescribeUserPoolClient", _describe_user_pool_client),
        # Last, so that ListUserPools sees only the setup's pools.
        Operation("CreateUserPool", _create_user_pool),
    )
}


def make_clients(server: RunningServer, count: int) -> list[CognitoClient]:
    """One cognito-idp client per worker thread, made here since sessions are not thread-safe."""
    config = Config(
        region_name=REGION,
        retries={"max_attempts": 0},
        max_pool_connections=4,
        connect_timeout=5,
        read_timeout=60,
    )
    clients = []
    for _ in range(count):
        session = boto3.session.Session(
            aws_access_key_id=server.credentials.access_key_id,
            aws_secret_access_key=server.credentials.secret_access_key,
            region_name=REGION,
        )
        clients.append(
            session.client("cognito-idp", endpoint_url=server.endpoint_url, config=config)
        )
    return clients


def create_fixture(client: CognitoClient) -> Fixture:
    """Create the pool, app client and extra pools that the operations read."""
    pool_id = client.create_user_pool(PoolName="bench-main")["UserPool"]["Id"]
    client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="bench-main")[
        "UserPoolClient"
    ]["ClientId"]
    client_pools = tuple(
        client.create_user_pool(PoolName=f"bench-clients-{number:02d}")["UserPool"]["Id"]
        for number in range(CLIENT_POOLS)
    )
    for number in range(LIST_POOLS_IN_SETUP - CLIENT_POOLS):
        client.create_user_pool(PoolName=f"bench-list-{number:02d}")
    return Fixture(pool_id=pool_id, client_id=client_id, client_pools=client_pools)


def describe_error(error: Exception) -> str:
    """A short, single-line account of a failed call."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        text = f"HTTP {status} {details.get('Code', '?')}: {details.get('Message', '')}"
    else:
        text = f"{type(error).__name__}: {error}"
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


CALL_ERRORS = (ClientError, BotoCoreError)


@dataclass
class _WorkerTally:
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None


@dataclass(frozen=True)
class PhaseResult:
    """What one timed run of one operation against one server measured."""

    planned_calls: int
    calls: int  # made before the time limit; fewer than planned_calls when it was reached
    errors: int
    wall_s: float
    server_cpu_s: float
    client_cpu_s: float  # the harness's own CPU, to tell a client-bound run
    latencies_s: list[float]
    first_error: str | None


def _harness_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_phase(
    server: RunningServer,
    clients: list[CognitoClient],
    operation: Operation,
    fixture: Fixture,
    calls: int,
    first_index: int,
    time_limit_s: float,
) -> PhaseResult:
    """Make `calls` calls spread over one thread per client; time them and the server's CPU.

    A thread makes no new call once time_limit_s has passed, so a very slow server ends the
    phase early with fewer calls rather than holding up the run.
    """
    tallies = [_WorkerTally() for _ in clients]
    start_together = threading.Barrier(len(clients) + 1)
    shares = [
        calls // len(clients) + (1 if n < calls % len(clients) else 0) for n in range(len(clients))
    ]
    starts = [first_index + sum(shares[:n]) for n in range(len(clients))]

    stop_at = 0.0  # the workers read it after the barrier, by which time it is set below

    def work(client: CognitoClient, tally: _WorkerTally, start: int, share: int) -> None:
        start_together.wait()
        for index in range(start, start + share):
            began = time.perf_counter()
            if began > stop_at:
                break
            try:
                operation.call(client, fixture, index)
            except CALL_ERRORS as error:
                tally.errors += 1
                if tally.first_error is None:
                    tally.first_error = describe_error(error)
            tally.latencies_s.append(time.perf_counter() - began)

    threads = [
        threading.Thread(target=work, args=args, daemon=True)
        for args in zip(clients, tallies, starts, shares, strict=True)
    ]
    for thread in threads:
        thread.start()

    server_cpu_before = server.cpu_seconds()
    client_cpu_before = _harness_cpu_seconds()
    wall_before = time.perf_counter()
    stop_at = wall_before + time_limit_s
    start_together.wait()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - wall_before
    client_cpu_s = _harness_cpu_seconds() - client_cpu_before
    server_cpu_s = server.cpu_seconds() - server_cpu_before

    return PhaseResult(
        planned_calls=calls,
        calls=sum(len(tally.latencies_s) for tally in tallies),
        errors=sum(tally.errors for tally in tallies),
        wall_s=wall_s,
        server_cpu_s=server_cpu_s,
        client_cpu_s=client_cpu_s,
        latencies_s=sorted(latency for tally in tallies for latency in tally.latencies_s),
        first_error=next((t.first_error for t in tallies if t.first_error), None),
    )
