"""What the web endpoints share, reached through the app: the services, the page renderer and
whether the server's public URL is https. ``app.start`` puts one :class:`WebContext` in the
Starlette app's state; an endpoint takes it with :func:`web`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from cognitio.container import Services
from cognitio.web.pages import Pages


@dataclass(frozen=True, slots=True)
class WebContext:
    """The web edge's dependencies: module-level endpoints read them from here."""

    services: Services
    pages: Pages


def web(request: Request) -> WebContext:
    """The context of the app serving ``request``."""
    context: WebContext = request.app.state.web
    return context
