"""The OAuth 2.0 grants behind /oauth2/authorize and /oauth2/token (``oauth``): authorization
code with PKCE, refresh token, client credentials (``machine_tokens``) and the implicit grant
(``implicit_grant``).

Imports ``common`` to ``signin``.
"""
