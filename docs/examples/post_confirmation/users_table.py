"""A PostConfirmation function: each confirmed user gets an item in a DynamoDB table.

The code is what would run on AWS Lambda. The table's name comes from ``USERS_TABLE``; where the
table lives is boto3's business: on AWS the region's DynamoDB, elsewhere the endpoint named by
``AWS_ENDPOINT_URL_DYNAMODB`` (any DynamoDB-compatible store), read by boto3 itself.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3

CONFIRMATIONS = {"PostConfirmation_ConfirmSignUp"}


@cache
def users_table() -> Any:
    """The table, made once per process (as a Lambda keeps it between invocations)."""
    return boto3.resource("dynamodb").Table(os.environ["USERS_TABLE"])


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Write the confirmed user; a forgotten-password confirmation writes nothing."""
    if event["triggerSource"] not in CONFIRMATIONS:
        return event
    attributes = event["request"]["userAttributes"]
    item = {
        "userId": attributes["sub"],
        "userName": event["userName"],
        "userPoolId": event["userPoolId"],
        "confirmedAt": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if "email" in attributes:
        item["email"] = attributes["email"]
    # Keyed by sub: a second invocation for the same user writes the same item again.
    users_table().put_item(Item=item)
    return event
