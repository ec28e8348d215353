"""App clients: the client operations (``clients``), finding a request's client with its pool
and how a client proves itself, by its secret or a SECRET_HASH (``app_clients``), the typed view
of a client's settings (``settings``), and which attributes a client may read
(``read_attributes``).

Imports ``common``, ``security`` and ``pools``.
"""
