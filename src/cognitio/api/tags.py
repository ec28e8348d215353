"""Tags on user pools (the only taggable user-pool resource)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services.pools.user_pools import TagPool, UntagPool


@operation(IDP, "TagResource")
async def tag_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.pools.tag(ctx.caller, TagPool(params["ResourceArn"], params["Tags"]))
    return {}


@operation(IDP, "UntagResource")
async def untag_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = UntagPool(params["ResourceArn"], tuple(params["TagKeys"]))
    await ctx.services.pools.untag(ctx.caller, command)
    return {}


@operation(IDP, "ListTagsForResource")
async def list_tags_for_resource(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return {"Tags": await ctx.services.pools.list_tags(ctx.caller, params["ResourceArn"])}
