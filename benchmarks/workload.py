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
from pycognito.aws_srp import AWSSRP, generate_hash_device

from servers import REGION, RunningServer

# boto3 ships no type information; a cognito-idp client is dynamically generated.
CognitoClient = Any
Response = Mapping[str, Any]

LIST_POOLS_IN_SETUP = 20
LIST_PAGE_SIZE = 10
# Cognito caps a pool at 1,000 app clients; CreateUserPoolClient spreads its calls over
# this many pools so long runs stay under the cap on every server.
CLIENT_POOLS = 10
# Pools for the user operations, counted in LIST_POOLS_IN_SETUP so ListUserPools still sees 21.
USER_POOLS = ("bench-users", "bench-signup", "bench-admin-create", "bench-signin")
# One more pool, counted too, that remembers devices: the sign-in user there has one.
DEVICE_POOL = "bench-devices"
DEVICE_CONFIGURATION = {
    "ChallengeRequiredOnNewDevice": True,
    "DeviceOnlyRememberedOnUserPrompt": False,
}

USERS_IN_SETUP = 100
USERS_PAGE_SIZE = 60  # Cognito's largest Limit for ListUsers
USER_FILTER_PREFIX = "bench-user-1"
USER_FILTER = f'email ^= "{USER_FILTER_PREFIX}"'
# Meets the default password policy: 8 or more characters with upper and lower case letters,
# a digit and a symbol. The same for every user, so no server's hashing cost varies by call.
PASSWORD = "Bench-Passw0rd!"

# The one confirmed user that every sign-in operation signs in, and its app client's flows.
SIGNIN_USER = "bench-signin-user"
SIGNIN_AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
TOKEN_NAMES = ("AccessToken", "IdToken", "RefreshToken")

# Parts of the fixture an operation can depend on (Operation.needs, Fixture.setup_errors).
NEEDS_USERS = "setup users"
NEEDS_SIGNIN_USER = "sign-in user"
NEEDS_TOKENS = "tokens from a sign-in"
NEEDS_DEVICE = "a remembered device"


def setup_user_name(number: int) -> str:
    return f"bench-user-{number}"


def setup_user_email(number: int) -> str:
    return f"bench-user-{number}@example.com"


# Setup users whose email starts with the filter's prefix: bench-user-1 and bench-user-10..19.
USERS_MATCHING_FILTER = sum(
    setup_user_email(number).startswith(USER_FILTER_PREFIX) for number in range(USERS_IN_SETUP)
)


@dataclass(frozen=True)
class Fixture:
    """Resources created once per server before any timed phase."""

    pool_id: str
    client_id: str
    client_pools: tuple[str, ...]
    users_pool_id: str  # USERS_IN_SETUP users, for AdminGetUser and ListUsers
    user_name: str  # the one AdminGetUser reads
    signup_client_id: str  # an app client without a secret, so SignUp needs no SECRET_HASH
    admin_create_pool_id: str
    signin_pool_id: str
    signin_client_id: str  # no secret; allows password, SRP and refresh-token sign-in
    access_token: str | None = None  # from a sign-in of SIGNIN_USER during setup
    refresh_token: str | None = None
    # SIGNIN_USER in DEVICE_POOL, with a device confirmed during setup (NEEDS_DEVICE).
    device: "RememberedDevice | None" = None
    # Why a part of the fixture could not be made (a server without AdminCreateUser, say), keyed
    # by NEEDS_*: the operations that need it are then reported unsupported instead of the whole
    # server being skipped.
    setup_errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RememberedDevice:
    pool_id: str
    client_id: str
    access_token: str
    key: str
    group_key: str
    password: str


@dataclass(frozen=True)
class Operation:
    """One API call to time. `call` gets a per-call index to make names unique."""

    name: str
    call: Callable[[CognitoClient, Fixture, int], Response]
    # Looks at one answer and returns a remark when the server deviates from Cognito's contract.
    check: Callable[[Response], str | None] | None = None
    # Cognitio hashes or verifies a password here (argon2id) where the peers store and compare
    # it as it is; the report marks these, and the 0.5 target does not apply to them.
    hashes_password: bool = False
    # The cryptography Cognitio does in one call, for the report's ‡ note; None: nothing that
    # weighs (a signature check of ~44 µs does not). The 0.5 target does not apply when set.
    crypto: str | None = None
    needs: str | None = None  # a NEEDS_* part of the fixture this operation reads

    @property
    def is_crypto(self) -> bool:
        return self.hashes_password or self.crypto is not None


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


def _sign_up(client: CognitoClient, fixture: Fixture, index: int) -> Response:
    response: Response = client.sign_up(
        ClientId=fixture.signup_client_id,
        Username=f"bench-signup-{index}",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"bench-signup-{index}@example.com"}],
    )
    return response


def _check_no_code_sent(response: Response) -> str | None:
    # The pool has no AutoVerifiedAttributes, so Cognito sends no confirmation code.
    details = response.get("CodeDeliveryDetails")
    if details:
        return f"sends a confirmation code by {details.get('DeliveryMedium', '?')}"
    return None


def _admin_create_user(client: CognitoClient, fixture: Fixture, index: int) -> Response:
    response: Response = client.admin_create_user(
        UserPoolId=fixture.admin_create_pool_id,
        Username=f"bench-created-{index}",
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"bench-created-{index}@example.com"}],
    )
    return response


def _admin_get_user(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.admin_get_user(
        UserPoolId=fixture.users_pool_id, Username=fixture.user_name
    )
    return response


def _list_users(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.list_users(UserPoolId=fixture.users_pool_id, Limit=USERS_PAGE_SIZE)
    return response


def _check_users_page(response: Response) -> str | None:
    returned = len(response.get("Users", []))
    if returned > USERS_PAGE_SIZE:
        return f"returns {returned} users for Limit={USERS_PAGE_SIZE} (no pagination)"
    if "PaginationToken" not in response:
        return f"returns {returned} of {USERS_IN_SETUP} users and no PaginationToken"
    return None


def _list_users_filtered(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.list_users(
        UserPoolId=fixture.users_pool_id, Limit=USERS_PAGE_SIZE, Filter=USER_FILTER
    )
    return response


def _email(user: Mapping[str, Any]) -> str:
    for attribute in user.get("Attributes", []):
        if attribute.get("Name") == "email":
            return str(attribute.get("Value", ""))
    return ""


def _check_filtered_users(response: Response) -> str | None:
    users = response.get("Users", [])
    if any(not _email(user).startswith(USER_FILTER_PREFIX) for user in users):
        return f"ignores the Filter: returns {len(users)} users"
    if len(users) != USERS_MATCHING_FILTER:
        return f"returns {len(users)} users where {USERS_MATCHING_FILTER} match the Filter"
    return None


class UnexpectedAnswer(Exception):
    """An answer that the client side of a flow could not use (a malformed SRP challenge)."""


def _initiate_password_auth(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.initiate_auth(
        ClientId=fixture.signin_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": SIGNIN_USER, "PASSWORD": PASSWORD},
    )
    return response


def _srp_sign_in(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    """InitiateAuth USER_SRP_AUTH, then RespondToAuthChallenge PASSWORD_VERIFIER (no Session).

    pycognito's AWSSRP does the client's side (A, then the password claim from B and the salt)
    and both calls; its modular exponentiations cost client CPU, not server CPU.
    """
    srp = AWSSRP(
        SIGNIN_USER, PASSWORD, fixture.signin_pool_id, fixture.signin_client_id, client=client
    )
    try:
        response: Response = srp.authenticate_user()
    except CALL_ERRORS:
        raise
    except Exception as error:  # pycognito fails with KeyError, ValueError and its own errors
        raise UnexpectedAnswer(f"{type(error).__name__}: {error}") from error
    return response


def _device_sign_in(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    """USER_SRP_AUTH with a remembered device: InitiateAuth, PASSWORD_VERIFIER, DEVICE_SRP_AUTH
    and DEVICE_PASSWORD_VERIFIER, as pycognito's AWSSRP makes them."""
    device = fixture.device
    assert device is not None  # the operation needs NEEDS_DEVICE
    srp = AWSSRP(
        SIGNIN_USER,
        PASSWORD,
        device.pool_id,
        device.client_id,
        client=client,
        device_key=device.key,
        device_group_key=device.group_key,
        device_password=device.password,
    )
    try:
        response: Response = srp.authenticate_user()
    except CALL_ERRORS:
        raise
    except Exception as error:  # pycognito fails with KeyError, ValueError and its own errors
        raise UnexpectedAnswer(f"{type(error).__name__}: {error}") from error
    return response


def _list_devices(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    assert fixture.device is not None
    response: Response = client.list_devices(AccessToken=fixture.device.access_token)
    return response


def _check_devices(response: Response) -> str | None:
    devices = response.get("Devices") or []
    return None if len(devices) == 1 else f"lists {len(devices)} devices, not the 1 confirmed"


def _get_user(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.get_user(AccessToken=fixture.access_token)
    return response


def _initiate_refresh_auth(client: CognitoClient, fixture: Fixture, _index: int) -> Response:
    response: Response = client.initiate_auth(
        ClientId=fixture.signin_client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": fixture.refresh_token},
    )
    return response


def _missing_tokens(response: Response, expected: tuple[str, ...]) -> str | None:
    if response.get("ChallengeName"):
        return f"answers with the challenge {response['ChallengeName']} instead of tokens"
    result = response.get("AuthenticationResult") or {}
    missing = [name for name in expected if not result.get(name)]
    if missing:
        return f"returns no {', '.join(missing)}"
    return None


def _check_sign_in(response: Response) -> str | None:
    return _missing_tokens(response, TOKEN_NAMES)


def _check_refresh(response: Response) -> str | None:
    remark = _missing_tokens(response, ("AccessToken", "IdToken"))
    if remark is None and (response.get("AuthenticationResult") or {}).get("RefreshToken"):
        # Cognito returns a new refresh token only when the client turns on rotation.
        return "returns a new RefreshToken (Cognito does not, without rotation)"
    return remark


def _check_get_user(response: Response) -> str | None:
    if response.get("Username") != SIGNIN_USER:
        return f"returns Username={response.get('Username')!r} for {SIGNIN_USER}"
    return None


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("DescribeUserPool", _describe_user_pool),
        Operation("CreateUserPoolClient", _create_user_pool_client),
        Operation("ListUserPools", _list_user_pools, _check_list_page_size),
        Operation("DescribeUserPoolClient", _describe_user_pool_client),
        # After ListUserPools, so that it sees only the setup's pools.
        Operation("CreateUserPool", _create_user_pool),
        Operation(
            "SignUp",
            _sign_up,
            _check_no_code_sent,
            hashes_password=True,
            crypto="one argon2id hash and the password's SRP verifier",
        ),
        Operation(
            "AdminCreateUser",
            _admin_create_user,
            hashes_password=True,
            crypto="one argon2id hash and the password's SRP verifier",
        ),
        Operation("AdminGetUser", _admin_get_user, needs=NEEDS_USERS),
        Operation("ListUsers", _list_users, _check_users_page, needs=NEEDS_USERS),
        Operation(
            "ListUsers (filter)",
            _list_users_filtered,
            _check_filtered_users,
            needs=NEEDS_USERS,
        ),
        Operation(
            "InitiateAuth (USER_PASSWORD_AUTH)",
            _initiate_password_auth,
            _check_sign_in,
            hashes_password=True,
            crypto="one argon2id verify, and signs the three tokens (RS256)",
            needs=NEEDS_SIGNIN_USER,
        ),
        Operation(
            "USER_SRP_AUTH sign-in",
            _srp_sign_in,
            _check_sign_in,
            crypto="two calls: SRP modular exponentiation (B, then S) and signs the three tokens",
            needs=NEEDS_SIGNIN_USER,
        ),
        Operation("GetUser", _get_user, _check_get_user, needs=NEEDS_TOKENS),
        Operation(
            "InitiateAuth (REFRESH_TOKEN_AUTH)",
            _initiate_refresh_auth,
            _check_refresh,
            crypto="signs two tokens (RS256, ~0.36 ms each)",
            needs=NEEDS_TOKENS,
        ),
        Operation("ListDevices", _list_devices, _check_devices, needs=NEEDS_DEVICE),
        Operation(
            "Device SRP sign-in",
            _device_sign_in,
            _check_sign_in,
            crypto="four calls: SRP for the password and again for the device, three tokens",
            needs=NEEDS_DEVICE,
        ),
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


def _new_pool(client: CognitoClient, name: str) -> str:
    # No AutoVerifiedAttributes and the default password policy, as CreateUserPool gives.
    pool_id: str = client.create_user_pool(PoolName=name)["UserPool"]["Id"]
    return pool_id


def _new_app_client(client: CognitoClient, pool_id: str, name: str) -> str:
    response = client.create_user_pool_client(UserPoolId=pool_id, ClientName=name)
    client_id: str = response["UserPoolClient"]["ClientId"]
    return client_id


def _make_setup_users(client: CognitoClient, pool_id: str) -> None:
    for number in range(USERS_IN_SETUP):
        client.admin_create_user(
            UserPoolId=pool_id,
            Username=setup_user_name(number),
            TemporaryPassword=PASSWORD,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": setup_user_email(number)}],
        )


def _make_signin_user(client: CognitoClient, pool_id: str) -> None:
    """A confirmed user with a permanent password, so sign-in answers with tokens at once."""
    client.admin_create_user(
        UserPoolId=pool_id,
        Username=SIGNIN_USER,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{SIGNIN_USER}@example.com"}],
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=SIGNIN_USER, Password=PASSWORD, Permanent=True
    )


def _first_tokens(client: CognitoClient, pool_id: str, client_id: str) -> tuple[str, str]:
    """An access and a refresh token: by USER_PASSWORD_AUTH, else by SRP."""
    fixture = _partial_fixture(pool_id, client_id)
    failures = []
    for sign_in in (_initiate_password_auth, _srp_sign_in):
        try:
            result = sign_in(client, fixture, 0).get("AuthenticationResult") or {}
        except CALL_ERRORS as error:
            failures.append(describe_error(error))
            continue
        if result.get("AccessToken") and result.get("RefreshToken"):
            return result["AccessToken"], result["RefreshToken"]
        failures.append("a sign-in returned no AccessToken or RefreshToken")
    raise UnexpectedAnswer("; ".join(failures))


def _partial_fixture(pool_id: str, client_id: str) -> Fixture:
    # Only the sign-in fields are read by the sign-in calls.
    return Fixture(
        pool_id="",
        client_id="",
        client_pools=(),
        users_pool_id="",
        user_name="",
        signup_client_id="",
        admin_create_pool_id="",
        signin_pool_id=pool_id,
        signin_client_id=client_id,
    )


def create_fixture(client: CognitoClient) -> Fixture:
    """Create the pools, app clients and users that the operations read."""
    pool_id = _new_pool(client, "bench-main")
    client_id = _new_app_client(client, pool_id, "bench-main")
    client_pools = tuple(
        _new_pool(client, f"bench-clients-{number:02d}") for number in range(CLIENT_POOLS)
    )
    users_pool_id, signup_pool_id, admin_create_pool_id, signin_pool_id = (
        _new_pool(client, name) for name in USER_POOLS
    )
    for number in range(LIST_POOLS_IN_SETUP - CLIENT_POOLS - len(USER_POOLS) - 1):
        _new_pool(client, f"bench-list-{number:02d}")
    signup_client_id = _new_app_client(client, signup_pool_id, "bench-signup")
    signin_client_id: str = client.create_user_pool_client(
        UserPoolId=signin_pool_id,
        ClientName="bench-signin",
        GenerateSecret=False,
        ExplicitAuthFlows=SIGNIN_AUTH_FLOWS,
    )["UserPoolClient"]["ClientId"]
    setup_errors: dict[str, str] = {}
    try:
        _make_setup_users(client, users_pool_id)
    except CALL_ERRORS as error:
        setup_errors[NEEDS_USERS] = describe_error(error)
    access_token = refresh_token = None
    try:
        _make_signin_user(client, signin_pool_id)
    except CALL_ERRORS as error:
        setup_errors[NEEDS_SIGNIN_USER] = setup_errors[NEEDS_TOKENS] = describe_error(error)
    else:
        try:
            access_token, refresh_token = _first_tokens(client, signin_pool_id, signin_client_id)
        except CALL_ERRORS as error:
            setup_errors[NEEDS_TOKENS] = describe_error(error)
    device = None
    try:
        device = _remembered_device(client)
    except CALL_ERRORS as error:
        setup_errors[NEEDS_DEVICE] = describe_error(error)
    return Fixture(
        pool_id=pool_id,
        client_id=client_id,
        client_pools=client_pools,
        users_pool_id=users_pool_id,
        user_name=setup_user_name(USERS_IN_SETUP // 2),
        signup_client_id=signup_client_id,
        admin_create_pool_id=admin_create_pool_id,
        signin_pool_id=signin_pool_id,
        signin_client_id=signin_client_id,
        access_token=access_token,
        refresh_token=refresh_token,
        device=device,
        setup_errors=setup_errors,
    )


def _remembered_device(client: CognitoClient) -> RememberedDevice:
    """A pool that remembers devices, SIGNIN_USER in it, and the device of a first sign-in."""
    pool_id: str = client.create_user_pool(
        PoolName=DEVICE_POOL, DeviceConfiguration=DEVICE_CONFIGURATION
    )["UserPool"]["Id"]
    client_id: str = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="bench-devices",
        GenerateSecret=False,
        ExplicitAuthFlows=SIGNIN_AUTH_FLOWS,
    )["UserPoolClient"]["ClientId"]
    _make_signin_user(client, pool_id)
    result = _initiate_password_auth(client, _partial_fixture(pool_id, client_id), 0)
    tokens = result.get("AuthenticationResult") or {}
    metadata = tokens.get("NewDeviceMetadata")
    if not metadata:
        raise UnexpectedAnswer(
            "a sign-in in a pool that remembers devices gave no NewDeviceMetadata"
        )
    password, verifier = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    client.confirm_device(
        AccessToken=tokens["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=verifier,
        DeviceName="bench",
    )
    return RememberedDevice(
        pool_id=pool_id,
        client_id=client_id,
        access_token=tokens["AccessToken"],
        key=metadata["DeviceKey"],
        group_key=metadata["DeviceGroupKey"],
        password=password,
    )


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


CALL_ERRORS = (ClientError, BotoCoreError, UnexpectedAnswer)


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
