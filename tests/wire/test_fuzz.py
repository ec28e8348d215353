"""Issue 11, deliver 6: no input makes the front door answer 5xx.

For every operation of both models, bodies generated from its input shape (required members
only, every member, optional members left out, wrong JSON types, odd strings, nested lists and
maps with members missing) go to a real server holding a real pool, app clients and a signed-in
user. Every answer must be below 500 and every error must carry a JSON ``__type``; the server's
log must hold no traceback. Deterministic: one seed, one order.
"""

from __future__ import annotations

import http.client
import json
import random
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.loaders import create_loader

from cognitio.wire.patterns import matcher
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, ServerProcess

SEED = 20261205
RANDOM_BODIES = 10  # per operation, besides the fixed ones
PASSWORD = "Fuzz-Passw0rd!"
ODD_STRINGS = (
    "",
    " ",
    "a" * 4096,
    "é",
    "\x00",
    "\r\n\t",
    "١٢٣٤٥٦",  # digits of another script
    "\uff11\uff12\uff13\uff14\uff15\uff16",  # fullwidth digits
    "😀",
    "\u2028",
    "'\"<>&;--",
    "null",
    "%s%n{0}",
    "../../etc/passwd",
    "us-east-1_NotAPool0",
    "-1",
    "9" * 40,
)
# Values that satisfy the patterns of many string shapes (URLs, scopes, ARNs, messages...).
STRING_CANDIDATES = (
    "https://app.example/cb",
    "openid",
    "email",
    "a@example.com",
    "Your code is {####}",
    "Click {##here##} for {####}",
    "arn:aws:iam::123456789012:role/fuzz",
    "arn:aws:lambda:us-east-1:123456789012:function:pre",
    f"{REGION}:0f4b3c2a-1111-2222-3333-444455556666",
    f"{REGION}_Abcdefghi",
    "123456",
    "Fuzz value",
)
WRONG_TYPES: tuple[Any, ...] = (1, -1, 1.5, True, [], {}, "x", [1], {"a": 1}, 2**70)
PREFIXES = {
    "cognito-idp": "AWSCognitoIdentityProviderService",
    "cognito-identity": ("AWSCognitoIdentityService"),
}


class Front:
    """A keep-alive connection that posts AWS JSON 1.1 requests, signed or not."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def post(self, service: str, name: str, body: bytes, *, sign: bool) -> tuple[int, Any]:
        headers = {
            "X-Amz-Target": f"{PREFIXES[service]}.{name}",
            "Content-Type": "application/x-amz-json-1.1",
        }
        if sign:
            request = AWSRequest(
                method="POST", url=self.server.url + "/", data=body, headers=headers
            )
            credentials = Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            SigV4Auth(credentials, service, REGION).add_auth(request)
            headers = dict(request.headers.items())
        try:
            self.connection.request("POST", "/", body=body, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            raise
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw

    def call(self, name: str, **params: Any) -> dict[str, Any]:
        """A well-formed signed cognito-idp call that must succeed (the world's set-up)."""
        status, answer = self.post("cognito-idp", name, json.dumps(params).encode(), sign=True)
        assert status == 200, (name, answer)
        assert isinstance(answer, dict)
        return answer


def build_world(front: Front, rng: random.Random) -> dict[str, Any]:
    """A fresh pool with two clients (one with a secret), a group and a signed-in user."""
    flows = [
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]
    pool = front.call(
        "CreateUserPool",
        PoolName="fuzz",
        AliasAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]
    pool_id = pool["Id"]
    client = front.call(
        "CreateUserPoolClient", UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=flows
    )["UserPoolClient"]
    secret_client = front.call(
        "CreateUserPoolClient",
        UserPoolId=pool_id,
        ClientName="secret",
        ExplicitAuthFlows=flows,
        GenerateSecret=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid"],
        CallbackURLs=["https://app.example/cb"],
        SupportedIdentityProviders=["COGNITO"],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    username = f"user{rng.randrange(10**6)}"
    front.call(
        "AdminCreateUser",
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    front.call(
        "AdminSetUserPassword",
        UserPoolId=pool_id,
        Username=username,
        Password=PASSWORD,
        Permanent=True,
    )
    tokens = front.call(
        "AdminInitiateAuth",
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    front.call("CreateGroup", UserPoolId=pool_id, GroupName="fuzzers")
    front.call("AdminAddUserToGroup", UserPoolId=pool_id, Username=username, GroupName="fuzzers")
    return {
        "UserPoolId": pool_id,
        "ClientId": client["ClientId"],
        "ClientSecret": secret_client["ClientSecret"],
        "SecretClientId": secret_client["ClientId"],
        "Username": username,
        "AccessToken": tokens["AccessToken"],
        "RefreshToken": tokens["RefreshToken"],
        "IdToken": tokens["IdToken"],
    }


class Bodies:
    """Request bodies for one operation, generated from its input shape."""

    def __init__(self, shapes: dict[str, Any], world: dict[str, Any], rng: random.Random) -> None:
        self.shapes = shapes
        self.world = world
        self.rng = rng

    def known(self, member: str) -> Any:
        """A value of the world for members named like its parts, else None."""
        world = self.world
        values: dict[str, Any] = {
            "UserPoolId": world["UserPoolId"],
            "ClientId": world["ClientId"],
            "Username": world["Username"],
            "AccessToken": world["AccessToken"],
            "RefreshToken": world["RefreshToken"],
            "Token": world["RefreshToken"],
            "ClientSecret": world["ClientSecret"],
            "GroupName": "fuzzers",
            "Password": PASSWORD,
            "PreviousPassword": PASSWORD,
            "ProposedPassword": PASSWORD + "x",
            "TemporaryPassword": PASSWORD,
            "ConfirmationCode": "123456",
            "UserCode": "123456",
            "Code": "123456",
            "Identifier": "https://api.example",
            "Domain": f"fuzz-{world['UserPoolId'][-9:].lower()}",
            "DeviceKey": f"{REGION}_{uuid.UUID(int=self.rng.getrandbits(128))}",
            "ProviderName": "COGNITO",
            "AttributeName": "email",
            "AuthParameters": {
                "USERNAME": world["Username"],
                "PASSWORD": PASSWORD,
                "REFRESH_TOKEN": world["RefreshToken"],
                "SRP_A": "ab" * 64,
                "DEVICE_KEY": f"{REGION}_x",
            },
            "ChallengeResponses": {
                "USERNAME": world["Username"],
                "NEW_PASSWORD": PASSWORD + "y",
                "SOFTWARE_TOKEN_MFA_CODE": "123456",
                "SMS_MFA_CODE": "123456",
                "EMAIL_OTP_CODE": "123456",
                "ANSWER": "PASSWORD",
                "PASSWORD": PASSWORD,
            },
            "UserAttributes": [
                {"Name": "email", "Value": f"{world['Username']}@example.org"},
                {"Name": "custom:tier", "Value": "gold"},
            ],
            "AttributeNames": ["custom:tier"],
        }
        return values.get(member)

    def valid(
        self, shape_name: str, member: str | None = None, depth: int = 0, minimal: bool = False
    ) -> Any:
        """A plausible value of the shape: the world's where the member name says, else made up;
        ``minimal`` leaves out every optional member of nested structures."""
        if member is not None:
            value = self.known(member)
            if value is not None:
                return value
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if kind == "string":
            if "enum" in shape:
                return self.rng.choice(shape["enum"])
            return self.string(shape)
        if kind in ("integer", "long"):
            return max(shape.get("min", 1), min(shape.get("max", 5), 5))
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "timestamp":
            return 1_800_000_000
        if kind == "blob":
            return "AAAA"
        if kind == "list":
            if depth > 3:
                return []
            return [self.valid(shape["member"]["shape"], None, depth + 1, minimal)]
        if kind == "map":
            if depth > 3:
                return {}
            return {"key": self.valid(shape["value"]["shape"], None, depth + 1, minimal)}
        if kind == "structure":
            if depth > 3:
                return {}
            required = shape.get("required", ())
            return {
                name: self.valid(spec["shape"], name, depth + 1, minimal)
                for name, spec in shape["members"].items()
                if not minimal or name in required
            }
        return None

    def string(self, shape: dict[str, Any]) -> str:
        """The first candidate that satisfies the shape's length and pattern."""
        low: int = shape.get("min", 0)
        high: int = shape.get("max", 2**31)
        fits = matcher(shape["pattern"]) if "pattern" in shape else None
        size = max(low, min(8, high))
        for candidate in (*STRING_CANDIDATES, "v" * size, "7" * size, "ab" * (size // 2 + 1)):
            if low <= len(candidate) <= high and (fits is None or fits(candidate)):
                return candidate
        return "v" * size

    def odd(self, shape_name: str, member: str, depth: int = 0) -> Any:
        """A value that is wrong in some way: a bad type, an odd string, members left out."""
        shape = self.shapes[shape_name]
        kind = shape["type"]
        roll = self.rng.random()
        if roll < 0.15:
            return self.rng.choice(WRONG_TYPES)
        if kind == "string":
            return self.rng.choice(ODD_STRINGS)
        if kind in ("integer", "long"):
            return self.rng.choice((0, -1, 2**31 - 1, -(2**31), 10**6))
        if kind == "structure" and depth < 4:
            members = shape["members"]
            kept = {name: spec for name, spec in members.items() if self.rng.random() < 0.5}
            return {
                name: (
                    self.odd(spec["shape"], name, depth + 1)
                    if self.rng.random() < 0.3
                    else self.valid(spec["shape"], name, depth + 1)
                )
                for name, spec in kept.items()
            }
        if kind == "list" and depth < 4:
            element = shape["member"]["shape"]
            return [self.odd(element, member, depth + 1) for _ in range(self.rng.randrange(1, 3))]
        if kind == "map" and depth < 4:
            value_shape = shape["value"]["shape"]
            key = self.rng.choice(("USERNAME", "PASSWORD", "SECRET_HASH", "", "é", "k" * 300))
            return {key: self.odd(value_shape, member, depth + 1)}
        return self.valid(shape_name, member, depth)

    def each(self, input_shape: str | None, count: int) -> Iterator[dict[str, Any]]:
        if input_shape is None:
            yield {}
            return
        shape = self.shapes[input_shape]
        members = shape["members"]
        required = set(shape.get("required", ()))
        yield {name: self.valid(members[name]["shape"], name, minimal=True) for name in required}
        everything = {name: self.valid(spec["shape"], name) for name, spec in members.items()}
        yield everything
        yield {
            name: self.valid(spec["shape"], name, minimal=True) for name, spec in members.items()
        }
        # Every structure-valued member with nothing in it, and lists of such structures.
        hollow = dict(everything)
        for name, spec in members.items():
            kind = self.shapes[spec["shape"]]["type"]
            if kind == "structure":
                hollow[name] = {}
            elif kind == "list":
                element = self.shapes[self.shapes[spec["shape"]]["member"]["shape"]]
                if element["type"] == "structure":
                    hollow[name] = [{}]
        yield hollow
        for round in range(count):
            # Even rounds: one member wrong in some way; odd rounds: many.
            wrong_share = 0.35 if round % 2 else 0.0
            body = {}
            for name, spec in members.items():
                if name not in required and self.rng.random() < 0.4:
                    continue  # an optional member left out
                if self.rng.random() < wrong_share:
                    body[name] = self.odd(spec["shape"], name)
                else:
                    body[name] = self.valid(spec["shape"], name, minimal=self.rng.random() < 0.5)
            if not round % 2 and body:
                name = self.rng.choice(sorted(body))
                body[name] = self.odd(members[name]["shape"], name)
            yield body


def every_operation() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(service, name, operation spec, shapes) for both models, in a fixed order."""
    loader = create_loader()
    found = []
    for service in ("cognito-idp", "cognito-identity"):
        model = loader.load_service_model(service, "service-2")
        for name in sorted(model["operations"]):
            found.append((service, name, model["operations"][name], model["shapes"]))
    return found


def _fuzz(front: Front, failures: list[tuple[str, int, Any, bytes]]) -> Counter[str]:
    """Send every operation its bodies; note the answers that break the rule; count the kinds
    of answer (``ok`` or the error's ``__type``)."""
    from cognitio.api.handlers import load_handlers
    from cognitio.wire.model import UNSIGNED_OPERATIONS

    handlers = load_handlers()
    kinds: Counter[str] = Counter()
    for service, name, spec, shapes in every_operation():
        rng = random.Random(SEED ^ zlib.crc32(name.encode()))
        bodies = Bodies(shapes, build_world(front, rng), rng)
        unsigned = name in UNSIGNED_OPERATIONS[service]
        input_shape = spec.get("input", {}).get("shape")
        # An operation without a handler answers before reading the body: a few bodies do.
        count = RANDOM_BODIES if (service, name) in handlers else 0
        for body in bodies.each(input_shape, count):
            payload = json.dumps(body).encode()
            status, answer = front.post(service, name, payload, sign=not unsigned)
            typed = isinstance(answer, dict) and isinstance(answer.get("__type"), str)
            if status >= 500 or (status != 200 and not typed):
                failures.append((name, status, answer, payload[:300]))
            kinds["ok" if status == 200 else answer["__type"] if typed else str(status)] += 1
    return kinds


def test_no_input_gets_a_5xx_from_any_operation(make_server: Any, backend: str) -> None:
    """Issue 11, deliver 6: no 5xx and a JSON ``__type`` on every error, for any body."""
    server = make_server(backend)
    server.start("--dev")
    front = Front(server)
    failures: list[tuple[str, int, Any, bytes]] = []
    try:
        kinds = _fuzz(front, failures)
    finally:
        front.connection.close()
    first: dict[str, tuple[str, int, Any, bytes]] = {}
    for failure in failures:
        first.setdefault(failure[0], failure)
    assert not first, sorted(first.values())
    log = server.log()
    assert "Traceback" not in log, log[log.index("Traceback") - 200 :][:3000]
    # The bodies reached the handlers: many succeeded, and not only on validation errors.
    assert kinds["ok"] > 150, kinds
    assert (
        kinds["InvalidParameterException"] + kinds["SerializationException"]
        < sum(kinds.values()) * 0.8
    ), kinds
