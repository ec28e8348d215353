"""What the hosted sign-in pages keep beside the OAuth protocol (``hosted``): the hosted
single-sign-on session, how the pages look for an app client, and the SecretHash the pages send
when they stand in for a client that has a secret.

Imports ``common`` to ``oauth``.
"""
