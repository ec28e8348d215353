"""Code messages: one-time codes (``codes``) and the messages and destinations that carry them
(``notifications``).

Imports ``common`` to ``triggers``.
"""
