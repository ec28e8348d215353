"""Temporary AWS-style credentials for identity pools, minted and opened without the database:
the credentials themselves (``credentials``), the errors a request signed with them gets
(``errors``) and the errors of STS's own actions (``service_errors``).

Imports nothing from the other service packages (only ``cognitio.crypto``).
"""
