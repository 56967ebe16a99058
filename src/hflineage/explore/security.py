"""Headers every response carries, and the optional token that guards the whole app."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode, urlsplit

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp

#: No inline script and nothing loaded from another site: the pages work offline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # No referrer leaves the site (a ?token= URL is redirected away at once anyway); same-site
    # requests keep theirs, so a form's POST carries the real Origin (no-referrer sends "null",
    # which the console's same-origin check refuses).
    "Referrer-Policy": "same-origin",
}
COOKIE = "hflineage_token"
#: Paths answered without the token: the health check reveals nothing.
OPEN_PATHS = frozenset({"/healthz"})
#: The names this machine answers to on loopback.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port (``[::1]:8765`` is ``::1``)."""
    return (urlsplit("//" + header).hostname or "").lower()


class HostGate(BaseHTTPMiddleware):
    """Answers only requests addressed to one of ``hosts`` (400 otherwise).

    Without a token the app trusts any page of this machine's browser; a site that rebinds its
    own name to 127.0.0.1 would otherwise pass as same-origin and read every page."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        super().__init__(app)
        self._hosts = hosts

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if host_name(request.headers.get("host", "")) not in self._hosts:
            return PlainTextResponse("unknown Host: open the explorer at the address "
                                     "hflineage serve printed\n", 400)
        return await call_next(request)


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds :data:`HEADERS` to every response, errors included."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.update(HEADERS)
        return response


class TokenGate(BaseHTTPMiddleware):
    """Lets a request through with ``Authorization: Bearer TOKEN`` or the token cookie.

    ``?token=TOKEN`` on any page sets the cookie and redirects to the same page without it,
    so the token stays out of the address bar and the history."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        super().__init__(app)
        self._token = token

    def _matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self._token.encode())

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path in OPEN_PATHS:
            return await call_next(request)
        if self._matches(request.query_params.get("token")):
            rest = urlencode([(k, v) for k, v in request.query_params.multi_items()
                              if k != "token"])
            path = "/" + request.url.path.lstrip("/")  # never //host: that leaves the site
            response = RedirectResponse(path + (f"?{rest}" if rest else ""), 303)
            response.set_cookie(COOKIE, self._token, httponly=True, samesite="strict")
            return response
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        if (scheme.lower() == "bearer" and self._matches(bearer.strip())) or self._matches(
                request.cookies.get(COOKIE)):
            return await call_next(request)
        return PlainTextResponse(
            "token required: open the address with ?token=TOKEN once, "
            "or send Authorization: Bearer TOKEN\n", 401,
            headers={"WWW-Authenticate": "Bearer"})
