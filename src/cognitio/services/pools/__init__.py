"""User pools: the pool operations (``user_pools``), their settings (``pool_settings``), the
attribute schema (``schema``) and attribute values (``attributes``), domains (``domains``,
``domain_fields``), managed login branding (``branding``) and resource servers
(``resource_servers``).

Imports ``common`` and ``security``; a pool's LambdaConfig is checked through a callable it is
given, not by importing ``triggers``.
"""
