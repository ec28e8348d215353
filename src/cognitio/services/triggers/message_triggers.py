"""CustomMessage and the custom senders: the pool's functions word the messages that carry a
code, or send them themselves (developer guide: "Custom message Lambda trigger", "Custom sender
Lambda triggers"). Both run where every message goes out, in ``Users.deliver``, after the
change is saved."""

from __future__ import annotations

from dataclasses import replace

from cognitio.documents import JsonObject
from cognitio.errors import InvalidLambdaResponseException
from cognitio.messaging.messages import OutgoingMessage, render
from cognitio.services.triggers.triggers import Call, Triggers, text, user_attributes
from cognitio.store.records import UserRecord

_CODE = "{####}"


async def custom_messages(
    triggers: Triggers, call: Call, user: UserRecord, messages: list[OutgoingMessage]
) -> list[OutgoingMessage]:
    """CustomMessage_*: the pool's function words the messages (once per triggerSource; its
    smsMessage for SMS, emailMessage and emailSubject for email); what it leaves null keeps
    the pool's own wording."""
    if triggers.configured(call.pool, "CustomMessage") is None:
        return messages
    answers: dict[str, JsonObject] = {}
    worded = []
    for message in messages:
        wording = message.wording
        if wording is None:
            worded.append(message)
            continue
        if wording.source not in answers:
            request: JsonObject = {
                "userAttributes": user_attributes(user),
                "codeParameter": _CODE,
                "usernameParameter": "{username}" if wording.username is not None else None,
                "linkParameter": "{##Click Here##}",
                "clientMetadata": call.client_metadata(),
            }
            empty: JsonObject = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
            answer = await triggers.run(
                call, "CustomMessage", wording.source, request, response=empty
            )
            answers[wording.source] = answer or {}
        answer = answers[wording.source]
        body = text(answer, "smsMessage" if message.channel == "sms" else "emailMessage")
        subject = message.subject
        if message.channel == "email":
            subject = text(answer, "emailSubject") or subject
        if body is not None:
            if _CODE not in body:
                raise InvalidLambdaResponseException(
                    f"The custom message must contain the code parameter {_CODE}."
                )
            body = render(body, code=wording.code, username=wording.username)
        worded.append(replace(message, body=body or message.body, subject=subject))
    return worded


_SENDERS = {"email": ("CustomEmailSender", "customEmailSenderRequestV1"),
            "sms": ("CustomSMSSender", "customSMSSenderRequestV1")}  # fmt: skip


async def hand_to_senders(
    triggers: Triggers, call: Call, user: UserRecord, messages: list[OutgoingMessage]
) -> list[OutgoingMessage]:
    """CustomEmailSender / CustomSMSSender: the pool's function sends these messages itself.

    Cognito encrypts ``request.code`` with the pool's KMS key; there is no KMS here, so the code
    arrives as it is. The messages left over are the ones this server still sends.
    """
    remaining = []
    for message in messages:
        trigger, request_type = _SENDERS[message.channel]
        wording = message.wording
        if wording is None or triggers.configured(call.pool, trigger) is None:
            remaining.append(message)
            continue
        source = f"{trigger}_{wording.source.removeprefix('CustomMessage_')}"
        request: JsonObject = {
            "type": request_type,
            "code": wording.code,
            "clientMetadata": call.client_metadata(),
            "userAttributes": user_attributes(user),
        }
        await triggers.run(call, trigger, source, request)
    return remaining
