"""A user's second factors: TOTP secrets and MFA preferences (``mfa``), remembered devices
(``devices``), passkeys (``passkeys``). What they store and check, not when sign-in asks for them
(``signin`` decides that).

Imports ``common``, ``security`` and ``pools`` (a pool's settings).
"""
