"""Re-sealing every stored secret under the current master key (``cognitio master-key reseal``).

Rotation, in order: every node learns the new key (as the current key, with the old one among
the previous keys); this pass then opens each sealed blob with whichever key sealed it and seals
it again under the current key's derived key for its purpose. Afterwards the old key opens
nothing stored and can be dropped once the short-lived blobs it sealed (auth Sessions, hosted
sign-in cookies) have expired. The pass is idempotent and can run while the servers serve.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cognitio.crypto.envelope import DecryptionError, Envelope
from cognitio.store.repositories import Store
from cognitio.store.sealed import SEALED_COLUMNS

_BATCH = 200  # rows per transaction, so a large user table never holds one long lock


@dataclass
class ResealReport:
    """What a pass did, per purpose."""

    resealed: Counter[str] = field(default_factory=Counter)
    current: Counter[str] = field(default_factory=Counter)
    # Blobs no configured key opens: the old key is still needed, or the row is damaged.
    unreadable: Counter[str] = field(default_factory=Counter)


async def reseal(store: Store, envelope: Envelope) -> ResealReport:
    """Seal every stored blob the current way; leave rows that changed meanwhile alone."""
    report = ResealReport()
    for column in SEALED_COLUMNS:
        after = ""
        while True:
            async with store.write() as tx:
                rows = await tx.sealed.page(column, after, _BATCH)
                for key, blob in rows:
                    if envelope.is_current(blob):
                        report.current[column.purpose] += 1
                        continue
                    context = column.context(key)
                    try:
                        plaintext = envelope.open(blob, context)
                    except DecryptionError:
                        report.unreadable[column.purpose] += 1
                        continue
                    fresh = envelope.seal(plaintext, context)
                    if await tx.sealed.replace(column, key, blob, fresh):
                        report.resealed[column.purpose] += 1
            if len(rows) < _BATCH:
                break
            after = rows[-1][0]
    return report
