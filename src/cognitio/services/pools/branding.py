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
from typing import Any

from cognitio.errors import (
    InvalidParameterException,
    ManagedLoginBrandingExistsException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids
from cognitio.store.records import BrandingRecord, UiCustomizationRecord, UserPoolRecord
from cognitio.store.repositories import Transaction

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


async def _check_client(tx: Transaction, pool: UserPoolRecord, client_id: str) -> None:
    if client_id != ALL and await tx.clients.get(pool.id, client_id) is None:
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")


async def set_ui(
    tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]
) -> UiCustomizationRecord:
    """SetUICustomization."""
    client_id = params.get("ClientId") or ALL
    await _check_client(tx, pool, client_id)
    css = params.get("CSS")
    if css is not None:
        check_css(css)
    image = params.get("ImageFile")
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
    tx: Transaction, pool: UserPoolRecord, client_id: str | None
) -> UiCustomizationRecord | None:
    """GetUICustomization: the client's, else the pool's."""
    if client_id and client_id != ALL:
        await _check_client(tx, pool, client_id)
        record = await tx.oauth.ui(pool.id, client_id)
        if record is not None:
            return record
    return await tx.oauth.ui(pool.id, ALL)


def ui_view(pool: UserPoolRecord, record: UiCustomizationRecord | None, client_id: str | None,
            base_url: str) -> dict[str, Any]:  # fmt: skip
    """A UICustomizationType."""
    if record is None:
        return {"UserPoolId": pool.id, "ClientId": client_id or ALL}
    view: dict[str, Any] = {
        "UserPoolId": pool.id,
        "ClientId": record.client_id,
        "CSSVersion": str(record.updated_ms),
        "CreationDate": record.created_ms / 1000,
        "LastModifiedDate": record.updated_ms / 1000,
    }
    if record.css is not None:
        view["CSS"] = record.css
    if record.image is not None:
        view["ImageUrl"] = f"{base_url}/_branding/{pool.id}/ui/{record.client_id}"
    return view


def _assets(params: dict[str, Any]) -> list[dict[str, str]]:
    assets = []
    for asset in params.get("Assets") or []:
        stored = {k: v for k, v in asset.items() if k != "Bytes"}
        if "Bytes" in asset:
            stored["Bytes"] = base64.b64encode(asset["Bytes"]).decode()
        assets.append(stored)
    return assets


def _branding_input(params: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
    use_defaults = bool(params.get("UseCognitoProvidedValues"))
    settings = params.get("Settings")
    if use_defaults and (settings is not None or params.get("Assets")):
        raise InvalidParameterException("With UseCognitoProvidedValues, omit Settings and Assets.")
    if settings is not None and not isinstance(settings, dict):
        raise InvalidParameterException("Settings must be a JSON object.")
    return use_defaults, settings


async def create_branding(
    tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]
) -> BrandingRecord:
    """CreateManagedLoginBranding: one style per app client."""
    client_id = params["ClientId"]
    await _check_client(tx, pool, client_id)
    use_defaults, settings = _branding_input(params)
    now = ids.now_ms()
    record = BrandingRecord(
        branding_id=str(uuid.uuid4()),
        pool_id=pool.id,
        client_id=client_id,
        use_defaults=use_defaults,
        settings=settings,
        assets=_assets(params),
        created_ms=now,
        updated_ms=now,
    )
    if not await tx.oauth.insert_branding(record):
        raise ManagedLoginBrandingExistsException(
            f"The app client {client_id} has a branding style already."
        )
    return record


async def find_branding(tx: Transaction, pool: UserPoolRecord, branding_id: str) -> BrandingRecord:
    record = await tx.oauth.branding(pool.id, branding_id)
    if record is None:
        raise ResourceNotFoundException(f"Managed login branding {branding_id} does not exist.")
    return record


async def update_branding(
    tx: Transaction, pool: UserPoolRecord, params: dict[str, Any]
) -> BrandingRecord:
    """UpdateManagedLoginBranding: the settings and assets given replace the stored ones."""
    record = await find_branding(tx, pool, params["ManagedLoginBrandingId"])
    use_defaults, settings = _branding_input(params)
    changed = BrandingRecord(
        branding_id=record.branding_id,
        pool_id=record.pool_id,
        client_id=record.client_id,
        use_defaults=use_defaults,
        settings=settings if settings is not None or use_defaults else record.settings,
        assets=_assets(params) if "Assets" in params or use_defaults else record.assets,
        created_ms=record.created_ms,
        updated_ms=ids.now_ms(),
    )
    await tx.oauth.update_branding(changed)
    return changed


def branding_view(record: BrandingRecord) -> dict[str, Any]:
    """A ManagedLoginBrandingType."""
    view: dict[str, Any] = {
        "ManagedLoginBrandingId": record.branding_id,
        "UserPoolId": record.pool_id,
        "UseCognitoProvidedValues": record.use_defaults,
        "Assets": [
            {**asset, "Bytes": base64.b64decode(asset["Bytes"])} if "Bytes" in asset else asset
            for asset in record.assets
        ],
        "CreationDate": record.created_ms / 1000,
        "LastModifiedDate": record.updated_ms / 1000,
    }
    if record.settings is not None:
        view["Settings"] = record.settings
    return view


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


def _colour(settings: dict[str, Any] | None, *path: str) -> str | None:
    node: Any = settings or {}
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
