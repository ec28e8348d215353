"""Tokens: issuing ID, access and refresh tokens and the signing keys (``tokens``), the claims
groups add (``claims``), checking access tokens (``access_tokens``), revocation and global sign-out
(``sign_out``).

Imports the packages above it in the list in ``cognitio.services``: ``common`` to ``clients``.
"""
