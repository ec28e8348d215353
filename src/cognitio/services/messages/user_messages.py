"""Messages to users, sent after the change they announce is committed: codes, invitations,
verification and reset messages, for self-service, sign-in and admin operations alike.

With the trigger context, the pool's CustomEmailSender and CustomSMSSender functions take the
messages they send, and its CustomMessage function words the rest first (the developer guide's
"Customizing user pool workflows with Lambda triggers"). A failed delivery answers
CodeDeliveryFailureException and leaves the user as it is, so a resend works once the transport
does.
"""

from __future__ import annotations

import asyncio
import logging

from cognitio.errors import CodeDeliveryFailureException
from cognitio.messaging.delivery import DeliveryError, Messenger
from cognitio.messaging.messages import OutgoingMessage
from cognitio.services.messages.notifications import Destination
from cognitio.services.triggers.message_triggers import custom_messages, hand_to_senders
from cognitio.services.triggers.triggers import Call, Triggers
from cognitio.store.records import UserRecord

log = logging.getLogger(__name__)
# Messages sent after their answer (deliver(later=True)): how many may wait, and how many are
# sent at once (fewer than the trigger threads, so a trigger's timeout runs only while it runs).
_LATER_QUEUE = 10_000
_LATER_WORKERS = 8
_Delivery = tuple[list[OutgoingMessage], Call | None, UserRecord | None]


class UserMessages:
    """Delivery of the messages user operations send, through the pool's message triggers."""

    def __init__(self, messenger: Messenger, triggers: Triggers) -> None:
        self._messenger = messenger
        self._triggers = triggers
        # Deliveries after their answer went out (deliver(later=True)): a bounded queue and a
        # few workers, made on first use (inside the event loop).
        self._later: asyncio.Queue[_Delivery] | None = None
        self._workers: list[asyncio.Task[None]] = []

    async def deliver(
        self,
        messages: list[OutgoingMessage],
        *,
        call: Call | None = None,
        user: UserRecord | None = None,
        later: bool = False,
    ) -> None:
        """Send after commit: a failed delivery loses nothing, the caller can resend.

        With the trigger context (``call``, ``user``), the pool's CustomEmailSender and
        CustomSMSSender functions take the messages they send, and its CustomMessage function
        words the rest first.

        ``later``: send once the answer has gone out, for an app client that hides whether
        users exist: a made-up answer sends nothing, so a real one must not wait for the
        message (or the functions that word it) either, nor fail when delivery does (the
        failure is logged). They wait in a bounded queue for a few workers, so a flood of
        them costs bounded memory and never more trigger threads than the workers; when the
        queue is full the caller sends its own, as without ``later``.
        """
        if later and messages:
            queue = self._later_queue()
            if not queue.full():
                queue.put_nowait((messages, call, user))
                return
        if call is not None and user is not None:
            messages = await hand_to_senders(self._triggers, call, user, messages)
            messages = await custom_messages(self._triggers, call, user, messages)
        for message in messages:
            try:
                await self._messenger.deliver(message)
            except DeliveryError as error:
                raise CodeDeliveryFailureException(
                    f"Unable to deliver the message to the {message.channel} destination: {error}"
                ) from None

    def _later_queue(self) -> asyncio.Queue[_Delivery]:
        if self._later is None:
            self._later = asyncio.Queue(maxsize=_LATER_QUEUE)
            self._workers = [asyncio.create_task(self._work()) for _ in range(_LATER_WORKERS)]
        return self._later

    async def _work(self) -> None:
        assert self._later is not None
        while True:
            messages, call, user = await self._later.get()
            try:
                await self._deliver_logged(messages, call, user)
            finally:
                self._later.task_done()

    async def _deliver_logged(
        self, messages: list[OutgoingMessage], call: Call | None, user: UserRecord | None
    ) -> None:
        try:
            await self.deliver(messages, call=call, user=user)
        except Exception as error:  # no one to answer: the log says what failed, not the message
            first = messages[0]
            attribute = "email" if first.channel == "email" else "phone_number"
            shown = Destination(attribute, first.to).details()["Destination"]
            log.warning(
                "a code message was not delivered: %s (pool %s, to %s)",
                type(error).__name__,
                first.user_pool_id,
                shown,
            )

    async def close(self, timeout_s: float = 10.0) -> None:
        """Send the messages still waiting (for up to ``timeout_s``), then stop the workers."""
        if self._later is None:
            return
        try:
            await asyncio.wait_for(self._later.join(), timeout_s)
        except TimeoutError:
            log.warning("%d code messages were not sent before shutdown", self._later.qsize())
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._later, self._workers = None, []
