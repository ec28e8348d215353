"""The policy grammar: what is read, and each malformed document refused with a clear message."""

from __future__ import annotations

import json

import pytest

from cognitio.services.iam.errors import PolicyError
from cognitio.services.iam.patterns import Variable
from cognitio.services.iam.policy import Effect, PolicyKind, parse_policy, parse_policy_json

PERMISSIONS = PolicyKind.PERMISSIONS
TRUST = PolicyKind.TRUST


def _statement(**members: object) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **members}]}


def _refused(document: object, kind: PolicyKind = PERMISSIONS) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(document, name="p", kind=kind)
    return str(caught.value)


def test_a_permission_policy_is_read_into_statements() -> None:
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Sid": "Own",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "S3:Put*"],
                "Resource": "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*",
                "Condition": {"StringLike": {"s3:prefix": ["a/*", "b"]}},
            },
        },
        name="own-prefix",
        kind=PERMISSIONS,
    )
    (statement,) = policy.statements
    assert statement.label == "statement 1 (Own)"
    assert statement.effect is Effect.ALLOW
    assert len(statement.actions) == 2
    assert statement.resources is not None
    assert Variable("cognito-identity.amazonaws.com:sub") in statement.resources[0]
    assert statement.conditions[0].key == "s3:prefix"
    assert len(statement.conditions[0].values) == 2


def test_a_trust_policy_names_principals() -> None:
    policy = parse_policy(
        _statement(
            Principal={"Federated": "cognito-identity.amazonaws.com", "AWS": "123456789012"},
            Action="sts:AssumeRoleWithWebIdentity",
        ),
        name="trust",
        kind=TRUST,
    )
    principals = policy.statements[0].principals
    assert principals is not None
    assert principals.covers("Federated", "cognito-identity.amazonaws.com")
    assert principals.covers("AWS", "arn:aws:iam::123456789012:root")


def test_without_version_variables_are_plain_text() -> None:
    policy = parse_policy(
        {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${x}"}]},
        name="old",
        kind=PERMISSIONS,
    )
    assert policy.version == "2008-10-17"
    resources = policy.statements[0].resources
    assert resources is not None
    assert not any(isinstance(part, Variable) for part in resources[0])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "p: a policy document is a JSON object"),
        ({"Version": "2012-10-17"}, "Statement must be an object or a non-empty list"),
        ({"Version": "2020-01-01", "Statement": []}, "Version must be 2012-10-17 or 2008-10-17"),
        ({"Version": "2012-10-17", "Statment": []}, "unknown member 'Statment'"),
        (_statement(Action="s3:*", Resource="*", Extra=1), "statement 1: unknown member 'Extra'"),
        (
            {"Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]},
            "Effect: must be Allow or Deny, not 'allow'",
        ),
        (
            _statement(Action="s3:*", NotAction="s3:Get*", Resource="*"),
            "Action and NotAction cannot both appear",
        ),
        (
            _statement(Action="s3:*", Resource="*", NotResource="*"),
            "Resource and NotResource cannot both appear",
        ),
        (_statement(Resource="*"), "needs Action or NotAction"),
        (_statement(Action="s3:*"), "needs Resource or NotResource"),
        (_statement(Action="GetObject", Resource="*"), "is not '*' or service:action"),
        (_statement(Action=[], Resource="*"), "Action: must be a string or a non-empty list"),
        (_statement(Action="s3:*", Resource="photos/*"), "is not '*' or an ARN"),
        (
            _statement(Action="s3:${aws:username}", Resource="*"),
            "Action: policy variables are allowed only in Resource and conditions",
        ),
        (
            _statement(Action="s3:*", Resource="arn:aws:s3:::b/${aws:username"),
            "Resource: a '${' has no closing '}'",
        ),
        (
            _statement(Action="s3:*", Resource="*", Principal="*"),
            "Principal: a permission policy names no principal",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"StringEqual": {"k:x": "v"}}),
            "Condition: unknown condition operator 'StringEqual'",
        ),
        (
            _statement(
                Action="s3:*", Resource="*", Condition={"NumericLessThan": {"k:x": "${aws:n}"}}
            ),
            "NumericLessThan: k:x: policy variables are allowed only in String and Arn",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"NumericEquals": {"k:x": "ten"}}),
            "'ten' is not a number",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"DateLessThan": {"k:x": "soon"}}),
            "is not an ISO 8601 date",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"Bool": {"k:x": "yes"}}),
            "'yes' is not true or false",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"IpAddress": {"k:x": "1.2.3"}}),
            "is not an IP address or CIDR range",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"BinaryEquals": {"k:x": "%%"}}),
            "is not base64",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"NullIfExists": {"k:x": "true"}}),
            "Null takes no ForAnyValue/ForAllValues prefix nor IfExists",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"StringEquals": {"k:x": []}}),
            "k:x: has no values",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"StringEquals": {"k:x": {}}}),
            "values are strings, numbers or booleans",
        ),
        (
            _statement(Action="s3:*", Resource="*", Condition={"StringEquals": "k:x"}),
            "must be an object of condition keys",
        ),
        (
            _statement(
                Action="s3:*",
                Resource="arn:aws:s3:::${cognito-identity.amazonaws.com:amr}",
            ),
            "holds several values and cannot be a policy variable",
        ),
        (
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                    {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
                ],
            },
            "statement 2 (A): the Sid is used twice",
        ),
        (_statement(Sid="no spaces", Action="s3:*", Resource="*"), "Sid: letters and digits"),
    ],
)
def test_a_malformed_permission_policy_is_refused_naming_the_member(
    document: object, message: str
) -> None:
    assert message in _refused(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_statement(Action="sts:AssumeRoleWithWebIdentity"), "needs Principal or NotPrincipal"),
        (
            _statement(Principal="*", Action="sts:AssumeRole", Resource="*"),
            "Resource: a trust policy has no resource",
        ),
        (
            _statement(Principal={"Users": "x"}, Action="sts:AssumeRole"),
            "'Users' is not one of AWS, Federated, Service, CanonicalUser",
        ),
        (
            _statement(Principal={"Federated": "${aws:x}"}, Action="sts:AssumeRole"),
            "policy variables are not allowed in a principal",
        ),
        (_statement(Principal="me", Action="sts:AssumeRole"), "must be '*' or an object"),
    ],
)
def test_a_malformed_trust_policy_is_refused(document: object, message: str) -> None:
    assert message in _refused(document, TRUST)


def test_json_text_with_a_member_named_twice_is_refused() -> None:
    text = '{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}'
    with pytest.raises(PolicyError, match="'Version' appears twice"):
        parse_policy_json(text, name="p", kind=PERMISSIONS)


def test_json_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(PolicyError, match="p: not valid JSON"):
        parse_policy_json("{", name="p", kind=PERMISSIONS)


def test_json_text_is_read_like_the_document() -> None:
    document = _statement(Action="s3:*", Resource="*")
    text = parse_policy_json(json.dumps(document), name="p", kind=PERMISSIONS)
    assert text == parse_policy(document, name="p", kind=PERMISSIONS)
