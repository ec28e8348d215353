"""User pools: the pool operations (``user_pools``), their settings (``pool_settings`` builds the
stored document, ``settings`` is the typed view the other services read), the attribute schema
(``schema``) and attribute values (``attributes``), domains (``domains``),
managed login branding (``branding``) and resource servers (``resource_servers``).

Imports ``common`` and ``security``; a pool's LambdaConfig is checked through a callable it is
given, not by importing ``triggers``.
"""
