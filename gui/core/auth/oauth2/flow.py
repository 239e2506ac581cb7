"""The `httpx.Auth` of the oauth2 scheme, after the refresh example in httpx's docs.

It attaches the token. When the token is known to be expired, or the server answers 401
with `error="invalid_token"`, it gets a new one once (the refresh grant, or the
client-credentials / password grant again) by yielding the token request, so the engine
sends it and records it as an `auth` hop, then retries once. It never loops.

`secrets` holds every secret the flow has handled (client secret, password, the tokens
it was given and those it obtained), for masking the recorded hops; `refreshed` is the
token obtained during the send, for `Scheme.after_send` to save.
"""

from __future__ import annotations

import re
from collections.abc import Generator

import httpx

from ..base import AuthError
from . import protocol
from .config import NON_INTERACTIVE, Config
from .tokens import Token

_INVALID_TOKEN = re.compile(r'(?i)\berror\s*=\s*"?invalid_token\b')


def invalid_token(response: httpx.Response) -> bool:
    """A 401 whose Bearer challenge says the token is invalid or expired (RFC 6750 3.1)."""
    return response.status_code == 401 and any(
        _INVALID_TOKEN.search(value) for value in response.headers.get_list("www-authenticate"))


class OAuth2Auth(httpx.Auth):
    requires_response_body = True

    def __init__(self, config: Config, token: Token | None) -> None:
        self.config = config
        self.token = token
        self.refreshed: Token | None = None
        self._secrets: list[str] = [*config.secrets(), *(token.secrets() if token else ())]

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value this auth has held or obtained so far, longest first."""
        return tuple(sorted(set(self._secrets), key=len, reverse=True))

    def can_renew(self, token: Token | None) -> bool:
        return bool(token and token.refresh_token) or self.config.grant in NON_INTERACTIVE

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response,
                                                            None]:
        url = request.url
        token = self.token
        renewed = False
        if token is None or token.expired():
            token = yield from self._renew(token)
            renewed = True
        self._attach(request, url, token)
        response = yield request
        if renewed or not invalid_token(response) or not self.can_renew(token):
            return
        token = yield from self._renew(token)
        self._attach(request, url, token)
        yield request

    def _renew(self, token: Token | None) -> Generator[httpx.Request, httpx.Response, Token]:
        if not self.can_renew(token):
            if token is None:
                raise AuthError(f"No OAuth 2.0 token yet for the {self.config.grant_name} "
                                "grant: press Get new token.")
            raise AuthError("The OAuth 2.0 token has expired and there is no refresh token: "
                            "press Get new token.")
        ends = yield from protocol.endpoints(self.config, "token")
        if token is not None and token.refresh_token:
            try:
                new = yield from protocol.refresh(self.config, ends.token, token)
            except AuthError as exc:
                if self.config.grant not in NON_INTERACTIVE:
                    raise AuthError(f"{exc} Press Get new token.") from None
                new = yield from protocol.non_interactive(self.config, ends.token)
        else:
            new = yield from protocol.non_interactive(self.config, ends.token)
        self._secrets.extend(new.secrets())
        self.token = self.refreshed = new
        return new

    def _attach(self, request: httpx.Request, url: httpx.URL, token: Token) -> None:
        if self.config.token_placement == "query":
            request.url = url.copy_set_param(self.config.query_param, token.access_token)
        else:
            prefix = self.config.header_prefix
            request.headers["Authorization"] = (f"{prefix} {token.access_token}" if prefix
                                                else token.access_token)
