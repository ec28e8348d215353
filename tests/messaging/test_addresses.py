"""The strict single-address email check: the attribute rule and the SMTP envelope."""

from __future__ import annotations

from typing import Any

import pytest

from cognitio.messaging.addresses import is_email_address

PASSWORD = "Corr3ct-horse!"


@pytest.mark.parametrize(
    "address",
    [
        "jane@example.com",
        "jane.doe+tag@mail.example.co.uk",
        "o'brien@example.ie",
        "josé@exämple.de",
    ],
)
def test_plain_mailboxes_are_email_addresses(address: str) -> None:
    assert is_email_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "x,victim@ex.com",
        "a<b>c@d.com",
        "Jane <jane@example.com>",
        '"jane doe"@example.com',
        "jane@example.com (comment)",
        "jane@example.com;b@example.com",
        "jane doe@example.com",
        "jane@example.com\r\nBcc: b@example.com",
        "jane..doe@example.com",
        ".jane@example.com",
        "jane@localhost",
        "jane@-example.com",
        "jane@example.com.",
        "jane@ex\u2028ample.com",
        "j" * 65 + "@example.com",
        "jane@" + "a" * 250 + ".com",
    ],
)
def test_lists_display_names_and_odd_forms_are_not(address: str) -> None:
    """Security review #21: one attribute value names exactly one mailbox."""
    assert not is_email_address(address)


@pytest.mark.parametrize("address", ["x,victim@ex.com", "a<b>c@d.com", "Jane <jane@example.com>"])
def test_sign_up_refuses_an_email_that_names_other_recipients(idp: Any, address: str) -> None:
    """Security review #21: a list or angle-bracket form is an invalid email, as Cognito says."""
    pool_id = idp.create_user_pool(PoolName="addresses")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]

    with pytest.raises(
        idp.exceptions.InvalidParameterException, match=r": Invalid email address format\.$"
    ):
        idp.sign_up(
            ClientId=client_id,
            Username="mallory",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": address}],
        )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="Invalid email address"):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="mallory",
            UserAttributes=[{"Name": "email", "Value": address}],
        )
