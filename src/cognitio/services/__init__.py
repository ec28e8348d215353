"""The services: what Cognitio does, one package per capability, below the API and web edges.

Packages are layered; each imports only from itself and the packages above it in this list
(``tests/test_architecture.py`` holds the order and checks it, and that no module imports
another in a circle):

- ``common``: ids, clocks and pagination tokens, shared by everything.
- ``events``: events of users and pools, appended to the transactional outbox.
- ``iam``: IAM policies (grammar, evaluator) and the roles declared in the configuration file,
  for identity pools' credentials.
- ``security``: password hashing and history, lockout, abuse limits, admin access keys,
  master keys.
- ``sts``: temporary AWS-style credentials for identity pools, minted and opened statelessly.
- ``pools``: user pools and their settings, schema and attributes, domains, branding,
  resource servers.
- ``mfa``: a user's second factors: TOTP secrets, remembered devices, passkeys.
- ``clients``: app clients, client secrets and SecretHash, what a client may read.
- ``tokens``: issuing, verifying and revoking tokens, and the claims in them.
- ``triggers``: the Lambda-style triggers and their events.
- ``messages``: code messages: one-time codes and the messages that carry them.
- ``users``: user accounts: admin operations, self-service sign-up and account, groups, search.
- ``signin``: the sign-in flows and challenges of InitiateAuth and RespondToAuthChallenge.
- ``federation``: external identity providers and the users they sign in.
- ``oauth``: the OAuth 2.0 endpoints' grants.
- ``hosted``: the hosted sign-in pages' sessions and settings.

Room is left for ``identity`` (identity pools, above ``tokens``) and ``risk`` (threat
protection, below ``signin``).
Nothing here imports the API, the wire or the web edge.
"""
