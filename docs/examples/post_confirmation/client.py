"""The PostConfirmation example, driven with boto3: a table, a user pool whose PostConfirmation
trigger is the function, a user who signs up and is confirmed, and the item that appears.

    python client.py http://localhost:9229 http://localhost:8000

The first URL is Cognitio's, the second the DynamoDB-compatible store's (the one the server's
``AWS_ENDPOINT_URL_DYNAMODB`` names). Administrative calls use the key boto3 finds
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``).
"""

from __future__ import annotations

import sys
from typing import Any

import boto3

REGION = "us-east-1"
TABLE = "users"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:post-confirmation"


def create_table(dynamodb_url: str) -> Any:
    """The users table, keyed by the user's ``sub``."""
    dynamodb = boto3.resource("dynamodb", region_name=REGION, endpoint_url=dynamodb_url)
    table = dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    return table


def sign_up_and_confirm(cognito_url: str, username: str, email: str) -> str:
    """A pool with the trigger, a user signed up and confirmed by an administrator; the sub."""
    idp = boto3.client("cognito-idp", region_name=REGION, endpoint_url=cognito_url)
    pool = idp.create_user_pool(
        PoolName="example", LambdaConfig={"PostConfirmation": FUNCTION}
    )["UserPool"]
    client = idp.create_user_pool_client(UserPoolId=pool["Id"], ClientName="web")
    client_id = client["UserPoolClient"]["ClientId"]
    answer = idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password="Correct-Horse-7",
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool["Id"], Username=username)
    return str(answer["UserSub"])


def main(cognito_url: str, dynamodb_url: str) -> None:
    table = create_table(dynamodb_url)
    sub = sign_up_and_confirm(cognito_url, "alice", "alice@example.com")
    item = table.get_item(Key={"userId": sub})["Item"]
    print(item["userName"], item["email"], item["userId"] == sub)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
