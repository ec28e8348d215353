"""Tags on user pools (the only taggable user-pool resource)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation


@operation(IDP, "TagResource")
async def tag_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.pools.tag(ctx.caller, params["ResourceArn"], params["Tags"])
    return {}


@operation(IDP, "UntagResource")
async def untag_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.pools.untag(ctx.caller, params["ResourceArn"], params["TagKeys"])
    return {}


@operation(IDP, "ListTagsForResource")
async def list_tags_for_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"Tags": await ctx.services.pools.list_tags(ctx.caller, params["ResourceArn"])}
