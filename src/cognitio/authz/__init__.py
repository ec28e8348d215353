"""For resource servers: check that a request was signed with an identity pool's credentials.

``verifier`` turns a request into the :class:`~cognitio.authz.verifier.Principal` its
credentials speak for; ``middleware`` puts that check in front of any ASGI application. Which
actions a principal may take is decided by an :class:`~cognitio.authz.middleware.Authorizer`
the application supplies.
"""
