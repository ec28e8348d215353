"""A SAML provider's MetadataURL, read again while the provider is in use.

Developer guide, "Adding and managing SAML identity providers in a user pool": with a metadata
URL "Amazon Cognito refreshes metadata automatically. Typically, metadata refresh happens every
6 hours or before the metadata expires, whichever is earlier." Here: a sign-in that meets a
provider whose document is older than the refresh interval (or past its ``validUntil``) goes on
with the stored copy and starts a refresh in the background. The refresh is claimed in the
database (one node of many fetches), the document is checked as at CreateIdentityProvider, and
the result is stored — the document, ``SSORedirectBindingURI`` and ``SLORedirectBindingURI``,
and with the document the signing certificates — so every node signs in with it. A refresh that
fails keeps the last good metadata, logs a warning naming the pool and provider (never the URL,
which may carry a token) and is tried again after at most five minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from cognitio.errors import InvalidParameterException
from cognitio.services.common import ids
from cognitio.services.federation.saml_metadata import IdpMetadata, fetch_metadata, parse_metadata
from cognitio.store.records import IdentityProviderRecord
from cognitio.store.repositories import Store

log = logging.getLogger(__name__)

SAML = "SAML"
# A failed refresh is tried again after this long (or the interval, when shorter).
RETRY_MS = 5 * 60 * 1000
# How many stored documents' validUntil a node keeps (a few per SAML provider in use).
_REMEMBERED = 256
_SHOWN_ENDPOINTS = ("SSORedirectBindingURI", "SLORedirectBindingURI")


def with_endpoints(details: dict[str, str], metadata: IdpMetadata) -> dict[str, str]:
    """ProviderDetails with the SSO and SLO Redirect URLs the metadata gives."""
    kept = {key: value for key, value in details.items() if key not in _SHOWN_ENDPOINTS}
    kept["SSORedirectBindingURI"] = metadata.sso_redirect_url
    if metadata.slo_redirect_url is not None:
        kept["SLORedirectBindingURI"] = metadata.slo_redirect_url
    return kept


class MetadataRefresh:
    """Reads SAML MetadataURLs again every ``interval_s`` seconds, in the background."""

    def __init__(
        self,
        store: Store,
        interval_s: int,
        clock: Callable[[], int] = ids.now_ms,
        *,
        allow_insecure: bool = False,
    ) -> None:
        self._store = store
        self._allow_insecure = allow_insecure
        self._interval_ms = interval_s * 1000
        self._retry_ms = min(RETRY_MS, self._interval_ms)
        self._clock = clock
        self._running: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._valid_until_of: dict[tuple[str, int], int | None] = {}

    def now(self) -> int:
        """The time a MetadataURL's document is read at, epoch ms (the refresh's clock)."""
        return self._clock()

    def due(self, record: IdentityProviderRecord) -> bool:
        """Whether ``record``'s MetadataURL should be read again now."""
        if record.type != SAML or "MetadataURL" not in record.details:
            return False
        now = self._clock()
        if record.metadata_tried_ms is not None and now < record.metadata_tried_ms + self._retry_ms:
            return False
        fetched = record.metadata_fetched_ms
        if fetched is None or now >= fetched + self._interval_ms:
            return True
        valid_until = self._valid_until(record, fetched)
        return valid_until is not None and now >= valid_until

    def _valid_until(self, record: IdentityProviderRecord, fetched_ms: int) -> int | None:
        """The stored document's validUntil (0 when it no longer reads: due at once), parsed
        once per document: a provider's id and the time its document was read name it."""
        key = (record.id, fetched_ms)
        if key not in self._valid_until_of:
            try:
                found = parse_metadata(record.metadata_xml or "").valid_until_ms
            except InvalidParameterException:
                found = 0
            if len(self._valid_until_of) >= _REMEMBERED:
                self._valid_until_of.clear()
            self._valid_until_of[key] = found
        return self._valid_until_of[key]

    def start_if_due(self, record: IdentityProviderRecord) -> None:
        """Start a refresh of ``record``'s metadata unless it is fresh or one is under way on
        this node; the caller goes on with the stored copy."""
        key = (record.pool_id, record.name)
        if key in self._running or not self.due(record):
            return
        task = asyncio.create_task(self.refresh(record))
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))

    async def settle(self) -> None:
        """Wait for the refreshes under way (tests, and shutdown)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def close(self) -> None:
        """Stop the refreshes under way (at shutdown; the next node to need one starts it)."""
        for task in self._running.values():
            task.cancel()
        await self.settle()

    async def refresh(self, record: IdentityProviderRecord) -> None:
        """Read ``record``'s MetadataURL again and store what it says, if this call wins the
        claim; a failure keeps the stored metadata."""
        now = self._clock()
        async with self._store.write() as tx:
            claimed = await tx.identity_providers.claim_metadata_refresh(
                record.pool_id, record.name, record.metadata_tried_ms, now
            )
        if not claimed:
            return
        url = record.details["MetadataURL"]
        try:
            text = await fetch_metadata(url, allow_insecure=self._allow_insecure)
            metadata = parse_metadata(text)
        except InvalidParameterException as error:
            log.warning(
                "The SAML metadata of identity provider %s in user pool %s could not be "
                "refreshed from its MetadataURL; the last good metadata stays in use. %s",
                record.name,
                record.pool_id,
                error,
            )
            return
        await self._store_refreshed(record, url, text, metadata, now)

    async def _store_refreshed(
        self,
        record: IdentityProviderRecord,
        url: str,
        text: str,
        metadata: IdpMetadata,
        now: int,
    ) -> None:
        async with self._store.write() as tx:
            current = await tx.identity_providers.get(record.pool_id, record.name, for_update=True)
            if (
                current is None
                or current.id != record.id
                or current.details.get("MetadataURL") != url
            ):
                return  # deleted, made again or given other metadata meanwhile
            if text == current.metadata_xml:
                await tx.identity_providers.update(replace(current, metadata_fetched_ms=now))
                return
            await tx.identity_providers.update(
                replace(
                    current,
                    details=with_endpoints(dict(current.details), metadata),
                    metadata_xml=text,
                    metadata_fetched_ms=now,
                    # Changed details: an UpdateIdentityProvider read before this one fails
                    # with ConcurrentModificationException rather than write the old metadata.
                    updated_ms=max(now, current.updated_ms + 1),
                )
            )
        log.info(
            "The SAML metadata of identity provider %s in user pool %s changed at its "
            "MetadataURL and was stored.",
            record.name,
            record.pool_id,
        )
