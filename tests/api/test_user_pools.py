"""User pools through boto3 against a running server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

STANDARD_ATTRIBUTES = [
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
    "identities",
]


def error_code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def test_create_user_pool_fills_cognito_defaults(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="defaults")["UserPool"]
    assert pool["Id"].startswith("us-east-1_") and len(pool["Id"]) == len("us-east-1_") + 9
    assert pool["Name"] == "defaults"
    assert pool["Arn"] == f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool['Id']}"
    assert [a["Name"] for a in pool["SchemaAttributes"]] == STANDARD_ATTRIBUTES
    sub = pool["SchemaAttributes"][0]
    assert sub["Mutable"] is False and sub["Required"] is True
    assert sub["StringAttributeConstraints"] == {"MinLength": "1", "MaxLength": "2048"}
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    }
    assert pool["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["LambdaConfig"] == {}
    assert pool["EstimatedNumberOfUsers"] == 0
    assert pool["AdminCreateUserConfig"] == {
        "AllowAdminCreateUserOnly": False,
        "UnusedAccountValidityDays": 7,
    }
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert pool["VerificationMessageTemplate"] == {"DefaultEmailOption": "CONFIRM_WITH_CODE"}
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["CreationDate"] == pool["LastModifiedDate"]
    described = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described == pool


def test_create_user_pool_keeps_every_setting(idp: Any) -> None:
    pool = idp.create_user_pool(
        PoolName="full",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": False,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
                "PasswordHistorySize": 5,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        DeletionProtection="ACTIVE",
        LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre"},
        AutoVerifiedAttributes=["email"],
        UsernameAttributes=["email"],
        VerificationMessageTemplate={
            "EmailMessage": "Code: {####}",
            "EmailSubject": "Your code",
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
        },
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True},
        UserPoolTags={"team": "identity"},
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {
                "Name": "tenant",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
            },
            {"Name": "level", "AttributeDataType": "Number", "Mutable": False},
        ],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
        UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
        UsernameConfiguration={"CaseSensitive": True},
        UserPoolTier="PLUS",
    )["UserPool"]
    described = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described == pool
    assert pool["Policies"]["PasswordPolicy"]["PasswordHistorySize"] == 5
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["LambdaConfig"] == {
        "PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre"
    }
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["EmailVerificationMessage"] == "Code: {####}"
    assert pool["EmailVerificationSubject"] == "Your code"
    assert pool["UserPoolTags"] == {"team": "identity"}
    by_name = {a["Name"]: a for a in pool["SchemaAttributes"]}
    assert by_name["email"]["Required"] is True
    assert by_name["custom:tenant"]["StringAttributeConstraints"] == {
        "MinLength": "1",
        "MaxLength": "64",
    }
    assert by_name["custom:level"]["AttributeDataType"] == "Number"
    assert by_name["custom:level"]["Mutable"] is False
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}
    assert pool["UsernameConfiguration"] == {"CaseSensitive": True}
    assert pool["UserPoolTier"] == "PLUS"
    idp.update_user_pool(UserPoolId=pool["Id"], DeletionProtection="INACTIVE")
    idp.delete_user_pool(UserPoolId=pool["Id"])


def test_pre_token_generation_arn_is_mirrored_into_its_versioned_config(idp: Any) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:tokens"
    pool = idp.create_user_pool(PoolName="ptg", LambdaConfig={"PreTokenGeneration": arn})
    assert pool["UserPool"]["LambdaConfig"] == {
        "PreTokenGeneration": arn,
        "PreTokenGenerationConfig": {"LambdaArn": arn, "LambdaVersion": "V1_0"},
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"AliasAttributes": ["email"], "UsernameAttributes": ["email"]},
            "Only one of the aliasAttributes or usernameAttributes",
        ),
        ({"MfaConfiguration": "ON"}, "SMS configuration"),
        (
            {"Schema": [{"Name": "x", "AttributeDataType": "String", "Required": True}]},
            "Required custom attributes are not supported",
        ),
        (
            {"Schema": [{"Name": "email", "AttributeDataType": "Number"}]},
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            "schema attribute email",
        ),
        ({"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}}, "PASSWORD"),
        ({"Schema": [{"AttributeDataType": "String"}]}, "needs a Name"),
    ],
)
def test_create_user_pool_refuses_what_cognito_refuses(
    idp: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(idp.exceptions.InvalidParameterException, match=message):
        idp.create_user_pool(PoolName="bad", **kwargs)


def test_update_user_pool_resets_what_it_leaves_out(idp: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName="to-update",
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": {"MinimumLength": 20}},
        AliasAttributes=["preferred_username"],
    )["UserPool"]["Id"]
    idp.update_user_pool(UserPoolId=pool_id, PoolName="renamed", MfaConfiguration="OFF")
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == "renamed"
    assert "AutoVerifiedAttributes" not in pool
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    # Immutable after creation:
    assert pool["AliasAttributes"] == ["preferred_username"]
    assert pool["LastModifiedDate"] >= pool["CreationDate"]


def test_deletion_protection_blocks_delete_until_lifted(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="protected", DeletionProtection="ACTIVE")["UserPool"][
        "Id"
    ]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="deletion protection"):
        idp.delete_user_pool(UserPoolId=pool_id)
    idp.describe_user_pool(UserPoolId=pool_id)
    idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="does not exist"):
        idp.describe_user_pool(UserPoolId=pool_id)


@pytest.mark.parametrize(
    "call",
    [
        lambda idp: idp.describe_user_pool(UserPoolId="us-east-1_Missing00"),
        lambda idp: idp.update_user_pool(UserPoolId="us-east-1_Missing00"),
        lambda idp: idp.delete_user_pool(UserPoolId="us-east-1_Missing00"),
        lambda idp: idp.get_csv_header(UserPoolId="us-east-1_Missing00"),
        lambda idp: idp.get_user_pool_mfa_config(UserPoolId="us-east-1_Missing00"),
        lambda idp: idp.add_custom_attributes(
            UserPoolId="us-east-1_Missing00",
            CustomAttributes=[{"Name": "a", "AttributeDataType": "String"}],
        ),
    ],
)
def test_unknown_pool_is_resource_not_found(idp: Any, call: Any) -> None:
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="us-east-1_Missing00"):
        call(idp)


def test_a_pool_is_invisible_from_another_region(idp: Any, server: Any) -> None:
    from tests.conftest import client

    pool_id = idp.create_user_pool(PoolName="east")["UserPool"]["Id"]
    west = client("cognito-idp", server.url, region_name="us-west-2")
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.describe_user_pool(UserPoolId=pool_id)
    west_pool = west.create_user_pool(PoolName="west")["UserPool"]
    assert west_pool["Id"].startswith("us-west-2_")
    west_ids = {p["Id"] for p in west.list_user_pools(MaxResults=60)["UserPools"]}
    assert west_pool["Id"] in west_ids and pool_id not in west_ids


def test_list_user_pools_pages_through_every_pool(idp: Any, server: Any) -> None:
    from tests.conftest import client

    region = client("cognito-idp", server.url, region_name="eu-west-3")
    created = {region.create_user_pool(PoolName=f"page-{i}")["UserPool"]["Id"] for i in range(7)}
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = region.list_user_pools(**kwargs)
        assert len(page["UserPools"]) <= 3
        seen += [p["Id"] for p in page["UserPools"]]
        token = page.get("NextToken")
        if not token:
            break
    assert set(seen) == created and len(seen) == len(created)
    first = region.list_user_pools(MaxResults=1)["UserPools"][0]
    assert set(first) == {"Id", "Name", "LambdaConfig", "CreationDate", "LastModifiedDate"}
    paginated = [
        p["Id"]
        for page in region.get_paginator("list_user_pools").paginate(
            PaginationConfig={"PageSize": 2}
        )
        for p in page["UserPools"]
    ]
    assert paginated == seen


def test_list_user_pools_rejects_a_forged_token(idp: Any) -> None:
    with pytest.raises(idp.exceptions.InvalidParameterException, match="pagination token"):
        idp.list_user_pools(MaxResults=5, NextToken="not-a-token")


def test_custom_attributes_are_added_once_and_limited_to_fifty(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="custom")["UserPool"]["Id"]
    idp.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[
            {"Name": "plan", "AttributeDataType": "String"},
            {"Name": "secretive", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
            {
                "Name": "seats",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "500"},
            },
        ],
    )
    schema = {
        a["Name"]: a
        for a in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    }
    assert schema["custom:plan"] == {
        "Name": "custom:plan",
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
        "StringAttributeConstraints": {"MaxLength": "2048"},
    }
    assert schema["dev:custom:secretive"]["DeveloperOnlyAttribute"] is True
    assert schema["custom:seats"]["NumberAttributeConstraints"] == {
        "MinValue": "1",
        "MaxValue": "500",
    }
    with pytest.raises(idp.exceptions.InvalidParameterException, match="already has name"):
        idp.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}]
        )
    more = [{"Name": f"a{i}", "AttributeDataType": "String"} for i in range(25)]
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=more)
    last = [{"Name": f"b{i}", "AttributeDataType": "String"} for i in range(23)]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="at most 50"):
        idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=last)
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=last[:22])
    names = [
        a["Name"]
        for a in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    ]
    assert len([n for n in names if "custom:" in n]) == 50


def test_custom_attribute_name_longer_than_twenty_is_invalid(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="long-name")["UserPool"]["Id"]
    with pytest.raises(ClientError) as caught:
        idp.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[{"Name": "x" * 21, "AttributeDataType": "String"}]
        )
    assert error_code(caught.value) == "InvalidParameterException"
    assert "length less than or equal to 20" in str(caught.value)


def test_csv_header_lists_importable_columns(idp: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName="csv", Schema=[{"Name": "tenant", "AttributeDataType": "String"}]
    )["UserPool"]["Id"]
    header = idp.get_csv_header(UserPoolId=pool_id)
    assert header["UserPoolId"] == pool_id
    assert header["CSVHeader"] == [
        *[a for a in STANDARD_ATTRIBUTES if a not in ("sub", "identities")],
        "custom:tenant",
        "cognito:mfa_enabled",
        "cognito:username",
    ]


def test_mfa_config_round_trips_and_shows_in_the_pool(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="mfa")["UserPool"]["Id"]
    assert idp.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OFF"
    with pytest.raises(idp.exceptions.InvalidParameterException, match="disable all MFAs"):
        idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON")
    answer = idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Message": "Your code is {####}", "Subject": "Code"},
        WebAuthnConfiguration={"RelyingPartyId": "auth.example.com"},
        MfaConfiguration="OPTIONAL",
    )
    answer.pop("ResponseMetadata")
    assert answer == {
        "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Code"},
        "WebAuthnConfiguration": {
            "RelyingPartyId": "auth.example.com",
            "UserVerification": "preferred",
        },
    }
    read = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    read.pop("ResponseMetadata")
    assert read == answer
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "OPTIONAL"


def test_tags_on_a_pool(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="tagged", UserPoolTags={"a": "1"})["UserPool"]
    arn = pool["Arn"]
    idp.tag_resource(ResourceArn=arn, Tags={"b": "2", "a": "3"})
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a": "3", "b": "2"}
    idp.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"b": "2"}
    assert idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["UserPoolTags"] == {"b": "2"}
    missing = arn.replace(pool["Id"], "us-east-1_Missing00")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.list_tags_for_resource(ResourceArn=missing)
    with pytest.raises(idp.exceptions.InvalidParameterException, match="at most 50"):
        idp.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(50)})


def test_concurrent_changes_to_one_pool_are_all_kept(idp: Any, server: Any) -> None:
    """Read-modify-write updates from many clients at once lose nothing."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import client

    pool_id = idp.create_user_pool(PoolName="contended")["UserPool"]["Id"]
    clients = [client("cognito-idp", server.url) for _ in range(8)]

    def add(index: int) -> None:
        clients[index % len(clients)].add_custom_attributes(
            UserPoolId=pool_id,
            CustomAttributes=[{"Name": f"attr{index}", "AttributeDataType": "String"}],
        )
        clients[index % len(clients)].tag_resource(
            ResourceArn=f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool_id}",
            Tags={f"tag{index}": str(index)},
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add, range(24)))
    described = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    names = {a["Name"] for a in described["SchemaAttributes"]}
    assert {f"custom:attr{i}" for i in range(24)} <= names
    assert described["UserPoolTags"] == {f"tag{i}": str(i) for i in range(24)}


def test_mfa_turned_on_by_update_user_pool_uses_sms(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="sms-mfa")["UserPool"]["Id"]
    sms = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms", "ExternalId": "x"}
    with pytest.raises(idp.exceptions.InvalidParameterException, match="SMS configuration"):
        idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON")
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON", SmsConfiguration=sms)
    config = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert config["MfaConfiguration"] == "ON"
    assert config["SmsMfaConfiguration"]["SmsConfiguration"] == sms
