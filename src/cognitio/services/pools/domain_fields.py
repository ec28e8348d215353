"""DescribeUserPool's ``Domain`` and ``CustomDomain``: the pool's domains by kind (apart from
:mod:`cognitio.services.pools.domains`, which needs the pool operations these serve)."""

from __future__ import annotations

from cognitio.store.repositories import Transaction


async def pool_fields(tx: Transaction, pool_id: str) -> dict[str, str]:
    """DescribeUserPool's ``Domain`` and ``CustomDomain``."""
    fields = {}
    for record in await tx.oauth.domains_of(pool_id):
        fields["CustomDomain" if record.custom else "Domain"] = record.domain
    return fields
