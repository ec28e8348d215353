"""Temporary AWS-style credentials for identity pools, minted and opened without the database:
the credentials themselves (``credentials``) and the errors a request signed with them gets
(``errors``).

Imports nothing from the other service packages (only ``cognitio.crypto``).
"""
