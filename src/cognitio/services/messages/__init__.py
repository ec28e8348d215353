"""Code messages: one-time codes (``codes``), the messages and destinations that carry them
(``notifications``), and their delivery through the pool's message triggers
(``user_messages``), which self-service, sign-in and admin operations all use.

Imports ``common`` to ``triggers``.
"""
