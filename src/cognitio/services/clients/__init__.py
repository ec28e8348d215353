"""App clients: the client operations (``clients``), client secrets and SecretHash
(``secret_hash``), and which attributes a client may read (``read_attributes``).

Imports ``common``, ``security`` and ``pools``.
"""
