"""Local stand-ins for the social identity providers: small Starlette apps that speak each
provider's real protocol and check what Cognitio sends them."""
