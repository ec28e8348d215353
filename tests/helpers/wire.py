"""One raw AWS JSON 1.1 request to a server, signed with SigV4 or not."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY

PREFIX = {
    "cognito-idp": "AWSCognitoIdentityProviderService",
    "cognito-identity": "AWSCognitoIdentityService",
}


def _lower(items: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


def call(
    url: str,
    target: str,
    body: bytes,
    *,
    service: str = "cognito-idp",
    sign: bool = True,
    secret: str = SECRET_ACCESS_KEY,
    key_id: str = ACCESS_KEY_ID,
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POST one raw AWS JSON request; returns status, headers, decoded body."""
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    if sign:
        request = AWSRequest(method="POST", url=url + "/", data=body, headers=headers)
        SigV4Auth(Credentials(key_id, secret), service, REGION).add_auth(request)
        headers = dict(request.headers.items())
    raw = urllib.request.Request(url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(raw) as response:
            return response.status, _lower(response.headers.items()), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), json.loads(error.read())
