"""How the hosted pages look for a client: classic UI customisation (SetUICustomization: CSS and
a logo, per client or for the whole pool as ``ALL``) and managed-login branding styles
(CreateManagedLoginBranding: a settings document and image assets, one style per client).

The pages apply the client's branding style if it has one — its FORM_LOGO (or PAGE_HEADER_LOGO)
image, the primary button's and the page background's light-mode colours — else the client's UI
customisation, else the pool's. Custom CSS goes into a ``<style>`` element, so it may not contain
``<``, nor load anything from another origin (see :func:`check_css`).
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import (
    InvalidParameterException,
    ManagedLoginBrandingExistsException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.store.records import BrandingRecord, UiCustomizationRecord, UserPoolRecord
from cognitio.store.repositories import Store, Transaction

ALL = "ALL"
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
_EXTENSIONS = {"PNG": "image/png", "JPEG": "image/jpeg", "SVG": "image/svg+xml",
               "WEBP": "image/webp", "ICO": "image/x-icon"}  # fmt: skip
# Where a style's settings keep the two colours the pages use.
_BUTTON = ("components", "primaryButton", "lightMode", "defaults", "backgroundColor")
_COLOUR = re.compile(r"^[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")  # Cognito's RRGGBB[AA]
# What CSS may load from: url(...) and quoted strings (image-set, @font-face src, ...).
_CSS_URLS = re.compile(r"""(?i)url\(\s*([^)"'\s]*)|"([^"]*)"|'([^']*)'""")
_CSS_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG or JPEG image, or None."""
    for magic, kind in _IMAGE_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def check_css(css: str) -> None:
    """Admin CSS goes into the pages' ``<style>``: it may not end that element (``<``), load
    anything from another origin (``@import``, absolute or scheme-relative URLs, save ``data:``),
    or hide either behind an escape (``\\``). CSS selectors can read the pages' hidden fields, so
    nothing may carry what they read elsewhere."""
    if "<" in css:
        raise InvalidParameterException("CSS may not contain '<'.")
    if "\\" in css:
        raise InvalidParameterException("CSS may not contain escapes ('\\').")
    if "@import" in css.lower():
        raise InvalidParameterException("CSS may not contain @import.")
    for target in _CSS_URLS.findall(css):
        url = "".join(part for part in target if part).strip()
        scheme = _CSS_SCHEME.match(url)
        if url.startswith("//") or (scheme is not None and scheme.group(1).lower() != "data"):
            raise InvalidParameterException("CSS may refer only to this server or data: URLs.")


@dataclass(frozen=True, slots=True)
class Look:
    """What a page applies: CSS, a logo (a URL of this server) and colours."""

    css: str | None = None
    logo_url: str | None = None
    button_colour: str | None = None
    background_colour: str | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    """An image of a branding style (AssetType)."""

    category: str
    color_mode: str
    extension: str
    data: bytes | None = None
    resource_id: str | None = None


@dataclass(frozen=True, slots=True)
class BrandingStyle:
    """CreateManagedLoginBranding's and UpdateManagedLoginBranding's input. ``settings`` is the
    style's JSON document; on update, None (settings, assets) keeps what is stored."""

    use_defaults: bool = False
    settings: JsonValue = None
    assets: tuple[Asset, ...] | None = None


async def _check_client(tx: Transaction, pool: UserPoolRecord, client_id: str) -> None:
    if client_id != ALL and await tx.clients.get(pool.id, client_id) is None:
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")


def _stored_assets(assets: tuple[Asset, ...]) -> list[dict[str, str]]:
    """The assets as stored: AssetType members, the bytes in base64."""
    stored = []
    for asset in assets:
        entry = {"Category": asset.category, "ColorMode": asset.color_mode,
                 "Extension": asset.extension}  # fmt: skip
        if asset.resource_id is not None:
            entry["ResourceId"] = asset.resource_id
        if asset.data is not None:
            entry["Bytes"] = base64.b64encode(asset.data).decode()
        stored.append(entry)
    return stored


def _checked_settings(style: BrandingStyle) -> JsonObject | None:
    if style.use_defaults and (style.settings is not None or style.assets):
        raise InvalidParameterException("With UseCognitoProvidedValues, omit Settings and Assets.")
    if style.settings is None:
        return None
    if not isinstance(style.settings, dict):
        raise InvalidParameterException("Settings must be a JSON object.")
    return style.settings


async def _find_branding(tx: Transaction, pool: UserPoolRecord, branding_id: str) -> BrandingRecord:
    record = await tx.oauth.branding(pool.id, branding_id)
    if record is None:
        raise ResourceNotFoundException(f"Managed login branding {branding_id} does not exist.")
    return record


class Branding:
    """UI customisation and managed-login branding styles."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def set_ui(
        self,
        caller: Caller,
        pool_id: str,
        client_id: str | None,
        css: str | None,
        image: bytes | None,
    ) -> UiCustomizationRecord:
        """SetUICustomization: for the client, or for the pool (no client, or ``ALL``)."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            client_id = client_id or ALL
            await _check_client(tx, pool, client_id)
            if css is not None:
                check_css(css)
            if image is not None and image_type(image) is None:
                raise InvalidParameterException("ImageFile must be a PNG or JPEG image.")
            now = ids.now_ms()
            existing = await tx.oauth.ui(pool.id, client_id)
            record = UiCustomizationRecord(
                pool_id=pool.id,
                client_id=client_id,
                css=css,
                image=image,
                created_ms=existing.created_ms if existing else now,
                updated_ms=now,
            )
            await tx.oauth.put_ui(record)
        return record

    async def get_ui(
        self, caller: Caller, pool_id: str, client_id: str | None
    ) -> UiCustomizationRecord | None:
        """GetUICustomization: the client's, else the pool's."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            if client_id and client_id != ALL:
                await _check_client(tx, pool, client_id)
                record = await tx.oauth.ui(pool.id, client_id)
                if record is not None:
                    return record
            return await tx.oauth.ui(pool.id, ALL)

    async def create_branding(
        self, caller: Caller, pool_id: str, client_id: str, style: BrandingStyle
    ) -> BrandingRecord:
        """CreateManagedLoginBranding: one style per app client."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            await _check_client(tx, pool, client_id)
            settings = _checked_settings(style)
            now = ids.now_ms()
            record = BrandingRecord(
                branding_id=str(uuid.uuid4()),
                pool_id=pool.id,
                client_id=client_id,
                use_defaults=style.use_defaults,
                settings=settings,
                assets=_stored_assets(style.assets or ()),
                created_ms=now,
                updated_ms=now,
            )
            if not await tx.oauth.insert_branding(record):
                raise ManagedLoginBrandingExistsException(
                    f"The app client {client_id} has a branding style already."
                )
        return record

    async def describe_branding(
        self, caller: Caller, pool_id: str, branding_id: str
    ) -> BrandingRecord:
        """DescribeManagedLoginBranding."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            return await _find_branding(tx, pool, branding_id)

    async def branding_of_client(
        self, caller: Caller, pool_id: str, client_id: str
    ) -> BrandingRecord:
        """DescribeManagedLoginBrandingByClient."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            record = await tx.oauth.branding_of(pool.id, client_id)
        if record is None:
            raise ResourceNotFoundException(
                f"The app client {client_id} has no managed login branding."
            )
        return record

    async def update_branding(
        self, caller: Caller, pool_id: str, branding_id: str, style: BrandingStyle
    ) -> BrandingRecord:
        """UpdateManagedLoginBranding: the settings and assets given replace the stored ones."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            record = await _find_branding(tx, pool, branding_id)
            settings = _checked_settings(style)
            if settings is None and not style.use_defaults:
                settings = record.settings
            replaced = style.assets is not None or style.use_defaults
            changed = BrandingRecord(
                branding_id=record.branding_id,
                pool_id=record.pool_id,
                client_id=record.client_id,
                use_defaults=style.use_defaults,
                settings=settings,
                assets=_stored_assets(style.assets or ()) if replaced else record.assets,
                created_ms=record.created_ms,
                updated_ms=ids.now_ms(),
            )
            await tx.oauth.update_branding(changed)
        return changed

    async def delete_branding(self, caller: Caller, pool_id: str, branding_id: str) -> None:
        """DeleteManagedLoginBranding."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            record = await _find_branding(tx, pool, branding_id)
            await tx.oauth.delete_branding(pool.id, record.branding_id)


def logo_asset(record: BrandingRecord) -> tuple[bytes, str] | None:
    """The style's logo for light pages: FORM_LOGO, else PAGE_HEADER_LOGO."""
    for category in ("FORM_LOGO", "PAGE_HEADER_LOGO"):
        for asset in record.assets:
            if (
                asset.get("Category") == category
                and asset.get("ColorMode") in ("LIGHT", "DYNAMIC")
                and "Bytes" in asset
            ):
                kind = _EXTENSIONS.get(str(asset.get("Extension")), "application/octet-stream")
                return base64.b64decode(asset["Bytes"]), kind
    return None


def _colour(settings: JsonObject | None, *path: str) -> str | None:
    node: JsonValue = settings
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, str) and _COLOUR.match(node):
        return f"#{node}"
    return None


async def look(tx: Transaction, pool_id: str, client_id: str, base_url: str) -> Look:
    """What the hosted pages apply for this client."""
    style = await tx.oauth.branding_of(pool_id, client_id)
    if style is not None:
        logo = logo_asset(style)
        return Look(
            logo_url=f"{base_url}/_branding/{pool_id}/style/{client_id}" if logo else None,
            button_colour=_colour(style.settings, *_BUTTON),
            background_colour=_colour(
                style.settings, "components", "pageBackground", "lightMode", "color"
            ),
        )
    record = await tx.oauth.ui(pool_id, client_id) or await tx.oauth.ui(pool_id, ALL)
    if record is None:
        return Look()
    url = None
    if record.image is not None:
        url = f"{base_url}/_branding/{pool_id}/ui/{record.client_id}"
    return Look(css=record.css, logo_url=url)
