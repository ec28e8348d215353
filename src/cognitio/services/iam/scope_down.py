"""The session policy that narrows every guest's credentials.

Cognito Developer Guide, "IAM roles" ("Access policies"): credentials of unauthenticated
identities from the enhanced flow carry an inline session policy that allows only a fixed list
of services, and the managed policy ``AmazonCognitoUnauthenticatedIdentities``
(``rum:PutRumEvents``) is included as well; what a guest may do is the intersection of the
role's policies and this one. So a guest role that allows ``iam:*`` still cannot call IAM, while
one that allows ``s3:GetObject`` keeps it.

Session tokens name the policy by :data:`GUEST_SCOPE_DOWN_ID`; the authorizer knows it without
being told. Cognitio keeps the guests' scope-down on credentials from STS too (AWS leaves the
basic flow's sessions unscoped): a guest who exchanges an OpenID token at STS with a ``Policy``
of its own gets the intersection of both (:func:`guest_session_policy`).
"""

from __future__ import annotations

import json

from cognitio.services.iam.policy import Policy, PolicyKind, parse_policy, parse_policy_json

GUEST_SCOPE_DOWN_ID = "cognito-identity/unauthenticated-scope-down"
GUEST_SCOPE_DOWN_NAME = "the unauthenticated identities' scope-down policy"

# The services of the guide's list, by their IAM prefixes.
GUEST_ACTIONS = (
    "mobileanalytics:*",  # Amazon Mobile Analytics
    "mobiletargeting:*",  # Amazon Pinpoint
    "firehose:*",  # Amazon Data Firehose
    "kinesis:*",  # Amazon Kinesis
    "kinesisanalytics:*",  # Amazon Kinesis Data Analytics
    "sqs:*",
    "sns:*",
    "ses:*",
    "lambda:*",
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "dynamodb:*",
    "sdb:*",  # Amazon SimpleDB
    "appsync:*",
    "geo:*",  # Amazon Location Service
    "gamelift:*",
    "iot:*",
    "codewhisperer:*",
    "comprehend:*",
    "lex:*",
    "machinelearning:*",
    "personalize:*",
    "polly:*",
    "rekognition:*",
    "sagemaker:InvokeEndpoint",
    "textract:DetectDocumentText",
    "textract:AnalyzeDocument",
    "transcribe:*",
    "translate:*",
    "cloudwatch:*",
    "logs:*",
    "execute-api:*",  # Amazon API Gateway
    "cognito-identity:*",
    "cognito-idp:*",
    "cognito-sync:*",
    "s3:*",
    "sumerian:View*",
    "rum:PutRumEvents",  # AmazonCognitoUnauthenticatedIdentities
)

_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": list(GUEST_ACTIONS), "Resource": "*"}],
}
# As a Policy parameter, for an STS that does not know the id (the STS broker).
GUEST_SCOPE_DOWN_DOCUMENT = json.dumps(_DOCUMENT, separators=(",", ":"))
GUEST_SCOPE_DOWN: Policy = parse_policy(
    _DOCUMENT, name=GUEST_SCOPE_DOWN_NAME, kind=PolicyKind.PERMISSIONS
)

BUILT_IN_SESSION_POLICIES: dict[str, Policy] = {GUEST_SCOPE_DOWN_ID: GUEST_SCOPE_DOWN}


def guest_session_policy(passed: str | None) -> str:
    """A guest session's policy: the scope-down's id, or — with a ``Policy`` passed to STS
    (already checked valid) — that policy with a statement denying every action outside the
    scope-down, which is exactly the intersection of the two."""
    if passed is None:
        return GUEST_SCOPE_DOWN_ID
    document = json.loads(passed)
    statements = document.get("Statement")
    listed = statements if isinstance(statements, list) else [statements]
    document["Statement"] = [
        *listed,
        {
            "Effect": "Deny",
            "NotAction": list(GUEST_ACTIONS),
            "Resource": "*",
        },
    ]
    combined = json.dumps(document, separators=(",", ":"))
    parse_policy_json(combined, name=GUEST_SCOPE_DOWN_NAME, kind=PolicyKind.PERMISSIONS)
    return combined
