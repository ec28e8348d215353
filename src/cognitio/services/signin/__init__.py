"""Sign-in: InitiateAuth, AdminInitiateAuth and the challenges of RespondToAuthChallenge
(``auth``), the sealed Sessions between steps (``auth_sessions``), and one module per flow or
challenge family: SRP (``srp_flow``), device SRP (``device_srp``), custom auth (``custom_auth``),
choice-based sign-in (``user_auth``), refresh (``refresh``) and MFA challenges
(``mfa_challenges``).

Imports ``common`` to ``users``.
"""
