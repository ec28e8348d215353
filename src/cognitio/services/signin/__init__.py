"""Sign-in: InitiateAuth, AdminInitiateAuth and RespondToAuthChallenge.

``auth`` is the engine: it resolves the app client, checks the flow and the Session, and
dispatches to a flow or a challenge's answer, each a function of its own module given the
public :class:`~cognitio.services.signin.context.FlowContext` (``context``) and the step's
:class:`~cognitio.services.signin.request.AuthRequest` (``request``). Flows: passwords
(``password``), SRP (``srp_flow``), refresh (``refresh``), custom auth (``custom_auth``, its
steps so far ``custom_session``), choice-based sign-in (``user_auth``). Answers:
PASSWORD_VERIFIER (``password_verifier``), the MFA challenges (``mfa_challenges``), device SRP
(``device_srp``), NEW_PASSWORD_REQUIRED (``new_password``), and those of the flows' own modules.
Every sign-in ends through ``completion`` (the account's state, the second factor chosen by
``mfa_step``, the device's proof, tokens); the Sessions between steps are ``auth_sessions``.

The engine takes commands (``request.InitiateAuth``, ``request.RespondToAuthChallenge``, made by
``api/`` from the AWS parameters or by the hosted pages) and answers a ``ChallengeIssued`` or a
``TokenSet`` (on the hosted pages, a ``HostedSignIn``); ``api/`` builds the AWS shapes. The hosted
pages' requests carry a ``TrustedCaller`` for their client instead of a SECRET_HASH.

Inside the package, modules import downward in that order: request, sessions and custom steps,
context, mfa_step, completion, the flows and answers, the engine.

Imports ``common`` to ``users``.
"""
