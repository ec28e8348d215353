"""Protecting accounts and the server: password hashing, history and policy (``passwords``),
lockout after wrong answers (``lockout``), abuse limits (``rate_limits``), the admin access keys
(``access_keys``) and the master keys (``master_keys``).

Imports ``common``.
"""
