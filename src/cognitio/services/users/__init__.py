"""User accounts: finding and viewing users (``accounts``), the admin operations (``users``),
self-service sign-up, confirmation and password reset (``sign_up``), a signed-in user's own
account (``own_account``), attribute changes (``attribute_changes``), groups (``groups``),
ListUsers and its filter (``user_list``, ``user_filter``), user migration (``migration``) and the
made-up answers for unknown users (``decoys``). A user's second factors as account settings:
MFA (``mfa_settings``), remembered devices (``user_devices``) and passkeys (``user_passkeys``),
for the user an access token or an admin names (``subjects``).

Imports ``common`` to ``messages``.
"""
