"""A configuration file's ``[iam]`` table for the authorizer's tests, and credentials for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cognitio.services.sts.credentials import CredentialAuthority, Credentials, SessionClaims

ROLE_ARN = "arn:aws:iam::000000000000:role/PhotosAuth"
POOL_ID = "us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa"
IDENTITY = "us-east-1:0d6c8a9e-3f51-4c27-8d1b-5e2f7a9c4b10"
OTHER_IDENTITY = "us-east-1:7a1e0c52-9b44-4d1f-8e36-2c5d9f0b7e21"
READ_ONLY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'  # noqa: E501

CONFIG = """
[[iam.roles]]
arn = "arn:aws:iam::000000000000:role/PhotosAuth"

[[iam.roles.policies]]
name = "own-prefix"
document = '''
{"Version": "2012-10-17", "Statement": [
  {"Sid": "OwnObjects", "Effect": "Allow",
   "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
   "Resource": "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*"},
  {"Sid": "ListOwn", "Effect": "Allow", "Action": "s3:ListBucket",
   "Resource": "arn:aws:s3:::photos",
   "Condition": {"StringLike": {"s3:prefix": "${cognito-identity.amazonaws.com:sub}/*"}}},
  {"Sid": "Team", "Effect": "Allow", "Action": "s3:GetObject",
   "Resource": "arn:aws:s3:::photos/team-${aws:PrincipalTag/team}/*"},
  {"Sid": "Notes", "Effect": "Allow", "Action": "notes:Read",
   "Resource": "arn:aws:execute-api:*:*:notes/${cognito-identity.amazonaws.com:sub}/*"}
]}
'''

[[iam.roles.policies]]
name = "keep-archives"
document = '''
{"Version": "2012-10-17", "Statement": [
  {"Sid": "NoDeletingArchives", "Effect": "Deny", "Action": "s3:DeleteObject",
   "Resource": "arn:aws:s3:::photos/*/archive/*"}
]}
'''
"""


def mint(
    authority: CredentialAuthority,
    *,
    identity: str = IDENTITY,
    team: str | None = None,
    session_policy: str | None = None,
    role_arn: str = ROLE_ARN,
) -> Credentials:
    """Credentials for an authenticated identity of the pool, valid for an hour."""
    now = datetime.now(UTC)
    return authority.mint(
        SessionClaims(
            identity_id=identity,
            identity_pool_id=POOL_ID,
            role_arn=role_arn,
            session_name="CognitoIdentityCredentials",
            issued_at=now - timedelta(minutes=1),
            expires_at=now + timedelta(hours=1),
            amr=("authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"),
            principal_tags={} if team is None else {"team": team},
            session_policy=session_policy,
        )
    )
