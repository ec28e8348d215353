"""The redaction filter on its own: what it masks, what it leaves readable, and tracebacks."""

from __future__ import annotations

import io
import logging

import pytest

from cognitio.redaction import RedactingFilter, install, redact

JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"
    ".eyJzdWIiOiIxMjMiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ"
    ".c2lnbmF0dXJl"
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('{"Password": "Corr3ct-horse!", "Username": "bob"}', "Corr3ct-horse!"),
        ("{'PreviousPassword': 'old pw', 'ProposedPassword': 'new pw'}", "old pw"),
        ('{"AuthParameters": {"PASSWORD": "pa\\"ss", "SECRET_HASH": "aGFzaA=="}}', 'pa\\"ss'),
        ('{"ChallengeResponses": {"SOFTWARE_TOKEN_MFA_CODE": "123456"}}', "123456"),
        ('{"ConfirmationCode": "654321", "UserCode": "111222"}', "654321"),
        ('{"EMAIL_OTP_CODE": "765432", "SMS_MFA_CODE": "876543", "ANSWER": "42"}', "765432"),
        ("{'code': 246810}", "246810"),
        ('{"Session": "AYABeKx"}', "AYABeKx"),
        ('{"ClientSecret": "abc", "SecretAccessKey": "xyz"}', "abc"),
        ('{"SecretCode": "JBSWY3DP"}', "JBSWY3DP"),
        ('{"SRP_A": "ab12", "PASSWORD_CLAIM_SIGNATURE": "c2ln"}', "ab12"),
        ("grant_type=authorization_code&code=Zx9_a&code_verifier=vv1", "Zx9_a"),
        ("client_secret=s3cr3t&refresh_token=rt1", "s3cr3t"),
        ("password='hunter2' user=bob", "hunter2"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("[(b'authorization', b'AWS4-HMAC-SHA256 Signature=abc')]", "AWS4-HMAC-SHA256"),
        (f"Bearer {JWT}", JWT),
        ('body {\\"Password\\": \\"in-json\\", \\"x\\": 1}', "in-json"),
        ("refresh 8Hk2_Lw0-QzN5pXrT7vBcY1dEfGhJkMnPqRsTuVwXyZ0aB3cD4eF5gH6iJ7kL8mN", "8Hk2_Lw0"),
        ("secret 1a2b3c4d5e6f7g8h9i0jklmnopqrstuvwxyz0123456789abcdefgh", "1a2b3c4d"),
        ("totp JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "JBSWY3DP"),
        ("hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "9f86d081"),
        ("key aB3/dE+fGhIjKlMnOpQrStUvWxYz0123456789ab", "aB3/dE+f"),
    ],
)
def test_secrets_are_masked_by_name_and_by_shape(text: str, secret: str) -> None:
    """Issue 11 deliver 7: masked whatever the form of the message."""
    masked = redact(text)
    assert secret not in masked
    assert "***" in masked


@pytest.mark.parametrize(
    "text",
    [
        "sub 3f2a1b4c-1234-4abc-8def-0123456789ab signed in",
        'File "/srv/app/lib/python3.11/site-packages/starlette/middleware/errors.py", line 3',
        "InvalidUserPoolConfigurationException for us-east-1_AbCdEfGhI",
        '{"Username": "bob", "CodeDeliveryDetails": {"Destination": "b***@e***"}}',
        "email to b***@example.com sent",
    ],
)
def test_ids_names_and_paths_stay_readable(text: str) -> None:
    assert redact(text) == text


def test_the_filter_masks_messages_arguments_and_tracebacks() -> None:
    """Issue 11 deliver 7: exception text and tracebacks pass through it too."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("event %s", {"password": "Corr3ct-horse!"})
        try:
            raise ValueError(f"bad token {JWT}")
        except ValueError:
            logger.exception("failed with %r", {"Session": "AYABsealed"})
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Corr3ct-horse!" not in output and JWT not in output and "AYABsealed" not in output
    assert "Traceback" in output and "ValueError: bad token ***" in output


def test_install_reaches_handlers_of_loggers_that_do_not_propagate() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.redaction.library")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    chosen = install()
    try:
        logger.error("client_secret=abc123def")
    finally:
        logger.removeHandler(handler)
        for each in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            if isinstance(each, logging.Logger):
                for h in each.handlers:
                    h.removeFilter(chosen)
        if logging.lastResort is not None:
            logging.lastResort.removeFilter(chosen)
    assert stream.getvalue() == "client_secret=***\n"
