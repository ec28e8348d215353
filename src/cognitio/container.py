"""The service container: every domain service of one server, made once at start (``app``) and
handed to the API handlers, the front door and the web routes. The store is not among them:
services open their own transactions, and a handler or a page cannot."""

from __future__ import annotations

from dataclasses import dataclass

from cognitio.functions.invoker import Functions
from cognitio.services.clients.clients import Clients
from cognitio.services.federation.linking import Linking
from cognitio.services.federation.providers import IdentityProviders
from cognitio.services.federation.sign_in import FederatedSignIn
from cognitio.services.federation.sign_out import FederatedSignOut
from cognitio.services.hosted.hosted import Hosted
from cognitio.services.identity.basic_flow import BasicFlow
from cognitio.services.identity.developer_identities import DeveloperIdentities
from cognitio.services.identity.enhanced_flow import EnhancedFlow
from cognitio.services.identity.get_id import IdentityIds
from cognitio.services.identity.identities import Identities
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.identity.pools import IdentityPools
from cognitio.services.identity.principal_tags import PrincipalTags
from cognitio.services.identity.roles import IdentityPoolRoles
from cognitio.services.identity.unlink import Unlinking
from cognitio.services.identity.web_identity import WebIdentitySessions
from cognitio.services.messages.user_messages import UserMessages
from cognitio.services.oauth.oauth import OAuth
from cognitio.services.pools.branding import Branding
from cognitio.services.pools.domains import Domains
from cognitio.services.pools.resource_servers import ResourceServers
from cognitio.services.pools.user_pools import UserPools
from cognitio.services.security.access_keys import AccessKeys
from cognitio.services.signin.auth import Authenticator
from cognitio.services.sts.revocations import CredentialRevocations
from cognitio.services.tokens.sign_out import SignOut
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.triggers.triggers import Triggers
from cognitio.services.users.groups import Groups
from cognitio.services.users.mfa_settings import MfaSettings
from cognitio.services.users.own_account import OwnAccount
from cognitio.services.users.sign_up import SelfService
from cognitio.services.users.user_devices import UserDevices
from cognitio.services.users.user_list import UserList
from cognitio.services.users.user_passkeys import UserPasskeys
from cognitio.services.users.users import Users


@dataclass(frozen=True, slots=True)
class Services:
    """The domain services a handler may call."""

    pools: UserPools
    clients: Clients
    keys: AccessKeys
    users: Users
    messages: UserMessages
    user_list: UserList
    self_service: SelfService
    tokens: Tokens
    auth: Authenticator
    sign_out: SignOut
    own_account: OwnAccount
    functions: Functions
    triggers: Triggers
    oauth: OAuth
    hosted: Hosted
    groups: Groups
    domains: Domains
    resource_servers: ResourceServers
    branding: Branding
    mfa_settings: MfaSettings
    user_devices: UserDevices
    passkeys: UserPasskeys
    identity_providers: IdentityProviders
    linking: Linking
    federation: FederatedSignIn
    federated_sign_out: FederatedSignOut
    identity_pools: IdentityPools
    identity_pool_roles: IdentityPoolRoles
    principal_tags: PrincipalTags
    pool_identities: Identities
    identity_ids: IdentityIds
    enhanced_flow: EnhancedFlow
    openid_tokens: OpenIdTokens
    web_identity: WebIdentitySessions
    basic_flow: BasicFlow
    developer_identities: DeveloperIdentities
    unlinking: Unlinking
    revocations: CredentialRevocations
