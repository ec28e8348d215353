"""Identity pools (Cognito's Federated Identities, the ``cognito-identity`` service): the pools
and their settings, roles, role mappings and principal tag maps, and the identities of a pool
with the logins linked to each.

Imports ``common`` and ``pools`` (the caller); later, ``federation`` and ``tokens`` to check the
logins a sign-in brings.
"""
