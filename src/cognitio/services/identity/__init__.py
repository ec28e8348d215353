"""Identity pools (Cognito's Federated Identities, the ``cognito-identity`` service): the pools
and their settings, roles, role mappings and principal tag maps, and the identities of a pool
with the logins linked to each.

Also the identity issuer's OpenID tokens and STS's AssumeRoleWithWebIdentity for them.

Imports ``common`` and ``pools`` (the caller), ``iam`` (roles, trust policies) and ``sts``
(credentials); later, ``federation`` and ``tokens`` to check the logins a sign-in brings.
"""
