"""boto3 against Cognitio: a user pool and an identity pool, a guest's and a signed-in user's
credentials, and requests to the photos API signed with them by botocore.

    python boto3_client.py http://localhost:9229 http://127.0.0.1:8080
"""

from __future__ import annotations

import sys

import boto3
import httpx
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REGION = "us-east-1"
ACCOUNT = "123456789012"  # the server's account_id, which the roles' ARNs name


def set_up(endpoint: str) -> dict[str, str]:
    """A user pool with one user, and an identity pool that trusts its app client.
    Administrative calls are signed with an administrator's access key."""
    idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION)
    identity = boto3.client("cognito-identity", endpoint_url=endpoint, region_name=REGION)
    user_pool = idp.create_user_pool(PoolName="photos")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=user_pool,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=user_pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=user_pool, Username="alice", Password="Corr3ct-horse!", Permanent=True
    )
    identity_pool = identity.create_identity_pool(
        IdentityPoolName="photos",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[
            {"ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{user_pool}",
             "ClientId": client_id}
        ],
    )["IdentityPoolId"]  # fmt: skip
    identity.set_identity_pool_roles(
        IdentityPoolId=identity_pool,
        Roles={
            "authenticated": f"arn:aws:iam::{ACCOUNT}:role/PhotosAuth",
            "unauthenticated": f"arn:aws:iam::{ACCOUNT}:role/PhotosGuest",
        },
    )
    return {"user_pool": user_pool, "client_id": client_id, "identity_pool": identity_pool}


def credentials_for(endpoint: str, identity_pool: str, logins: dict[str, str]) -> dict[str, str]:
    """GetId, then GetCredentialsForIdentity: neither is signed (an app has no keys yet)."""
    identity = boto3.client(
        "cognito-identity",
        endpoint_url=endpoint,
        region_name=REGION,
        config=Config(signature_version=UNSIGNED),
    )
    unsigned = {"Logins": logins} if logins else {}
    identity_id = identity.get_id(IdentityPoolId=identity_pool, **unsigned)["IdentityId"]
    answer = identity.get_credentials_for_identity(IdentityId=identity_id, **unsigned)
    return {"IdentityId": identity_id, **answer["Credentials"]}


def call(
    api: str, method: str, path: str, creds: dict[str, str], body: bytes = b""
) -> httpx.Response:
    """A request to the photos API signed by botocore, as any AWS SDK would sign it."""
    request = AWSRequest(method=method, url=f"{api}{path}", data=body)
    signing = Credentials(creds["AccessKeyId"], creds["SecretKey"], creds["SessionToken"])
    SigV4Auth(signing, "execute-api", REGION).add_auth(request)
    return httpx.request(method, request.url, headers=dict(request.headers), content=body)


def main(endpoint: str, api: str) -> None:
    ids = set_up(endpoint)
    guest = credentials_for(endpoint, ids["identity_pool"], {})
    welcome = call(api, "GET", "/photos/public/welcome.txt", guest)
    print("guest", guest["IdentityId"], welcome.status_code, welcome.text)  # 200 Welcome!

    idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION)
    tokens = idp.initiate_auth(
        ClientId=ids["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Corr3ct-horse!"},
    )["AuthenticationResult"]
    provider = f"cognito-idp.{REGION}.amazonaws.com/{ids['user_pool']}"
    alice = credentials_for(endpoint, ids["identity_pool"], {provider: tokens["IdToken"]})
    own = f"/photos/{alice['IdentityId']}/cat.jpg"
    print("alice", alice["IdentityId"], call(api, "PUT", own, alice, b"<jpeg>").status_code)  # 200
    print("alice reads", call(api, "GET", own, alice).text)  # <jpeg>
    other = call(api, "PUT", f"/photos/{guest['IdentityId']}/cat.jpg", alice, b"x")
    print("alice writes to the guest's prefix", other.status_code)  # 403: AccessDenied


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
