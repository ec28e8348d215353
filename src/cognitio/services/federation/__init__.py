"""Federation: external identity providers a pool trusts — OIDC, SAML 2.0, Google, Facebook,
Login with Amazon and Sign in with Apple. Their configuration (the IdentityProvider
operations), the protocol each speaks on the way out and back, and the federated users they
sign in (``<ProviderName>_<id>``, linked or not to a pool's own users).

Imports ``common`` to ``signin``.
"""
