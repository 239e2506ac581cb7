"""The `oauth2` scheme's field values as a typed, checked `Config`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ..base import AuthError

PKCE = "authorization_code_pkce"
CODE = "authorization_code"
CLIENT_CREDENTIALS = "client_credentials"
DEVICE = "device_code"
PASSWORD = "password"
IMPLICIT = "implicit"
REFRESH = "refresh_token"
GRANTS = (PKCE, CODE, CLIENT_CREDENTIALS, DEVICE, PASSWORD, IMPLICIT, REFRESH)
GRANT_NAMES = {
    PKCE: "authorization code with PKCE",
    CODE: "authorization code",
    CLIENT_CREDENTIALS: "client credentials",
    DEVICE: "device code",
    PASSWORD: "resource owner password (legacy)",
    IMPLICIT: "implicit (legacy)",
    REFRESH: "refresh token",
}
#: Grants that need a person at a browser: only "Get new token" runs them.
INTERACTIVE = frozenset({PKCE, CODE, DEVICE, IMPLICIT})
#: Grants the auth flow may run on its own when there is no usable token.
NON_INTERACTIVE = frozenset({CLIENT_CREDENTIALS, PASSWORD})
LEGACY = frozenset({PASSWORD, IMPLICIT})

CLIENT_AUTH = ("client_secret_basic", "client_secret_post")
PLACEMENTS = ("header", "query")
DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"


def parse_params(text: str, label: str) -> list[tuple[str, str]]:
    """`k=v&k2=v2` as pairs; AuthError naming the field when it does not parse."""
    text = text.strip()
    if not text:
        return []
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise AuthError(f"{label} must look like name=value&name2=value2.") from None
    if any(not name for name, _ in pairs):
        raise AuthError(f"{label} has a parameter without a name.")
    return pairs


def parse_port(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise AuthError(f"Redirect port must be a number from 1 to 65535 (got {text!r}), or "
                        "empty for a free port.")
    return int(text)


@dataclass(frozen=True)
class Config:
    grant: str
    issuer: str
    authorization_url: str
    token_url: str
    device_authorization_url: str
    client_id: str
    client_secret: str
    client_auth: str
    scope: str
    audience: str
    resource: str
    redirect_port: int | None
    username: str
    password: str
    extra_auth_params: tuple[tuple[str, str], ...]
    extra_token_params: tuple[tuple[str, str], ...]
    token_placement: str
    header_prefix: str
    query_param: str

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Config:
        """Raises AuthError for values that cannot work (a bad port, unparsable params)."""

        def text(name: str) -> str:
            value = values.get(name)
            return "" if value is None else str(value).strip()

        grant = text("grant") or PKCE
        if grant not in GRANTS:
            raise AuthError(f"Unknown OAuth 2.0 grant {grant!r}; known: {', '.join(GRANTS)}.")
        client_auth = text("client_auth") or CLIENT_AUTH[0]
        if client_auth not in CLIENT_AUTH:
            raise AuthError(f"Client authentication must be one of {', '.join(CLIENT_AUTH)}.")
        placement = text("token_placement") or PLACEMENTS[0]
        if placement not in PLACEMENTS:
            raise AuthError(f"The token can be sent in {' or '.join(PLACEMENTS)}, "
                            f"not {placement!r}.")
        prefix = values.get("header_prefix")
        return cls(
            grant=grant,
            issuer=text("issuer").rstrip("/"),
            authorization_url=text("authorization_url"),
            token_url=text("token_url"),
            device_authorization_url=text("device_authorization_url"),
            client_id=text("client_id"),
            # Secrets are taken as typed: a space may be part of one.
            client_secret=str(values.get("client_secret") or ""),
            client_auth=client_auth,
            scope=" ".join(text("scope").split()),
            audience=text("audience"),
            resource=text("resource"),
            redirect_port=parse_port(text("redirect_port")),
            username=text("username"),
            password=str(values.get("password") or ""),
            extra_auth_params=tuple(parse_params(text("extra_auth_params"),
                                                 "Extra authorization parameters")),
            extra_token_params=tuple(parse_params(text("extra_token_params"),
                                                  "Extra token parameters")),
            token_placement=placement,
            header_prefix="Bearer" if prefix is None else str(prefix).strip(),
            query_param=text("query_param") or "access_token",
        )

    @property
    def grant_name(self) -> str:
        return GRANT_NAMES[self.grant]

    @property
    def provider(self) -> str:
        """What a saved token is for, with `client_id`: the issuer, else an endpoint."""
        return (self.issuer or self.token_url or self.authorization_url
                or self.device_authorization_url)

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.client_secret, self.password) if s)

    def problems(self) -> list[str]:
        """What is missing for this grant, one sentence each (endpoints may come from
        the issuer's discovery document)."""
        problems = []
        if not self.client_id:
            problems.append("Client ID is required.")
        discovery = bool(self.issuer)
        if self.grant != IMPLICIT and not (self.token_url or discovery):
            problems.append("A token URL (or an issuer to discover it) is required.")
        if self.grant in (PKCE, CODE, IMPLICIT) and not (self.authorization_url or discovery):
            problems.append("An authorization URL (or an issuer to discover it) is required.")
        if self.grant == DEVICE and not (self.device_authorization_url or discovery):
            problems.append("A device authorization URL (or an issuer to discover it) is "
                            "required.")
        if self.grant == PASSWORD and not self.username:
            problems.append("The password grant needs a user name.")
        if self.grant == CLIENT_CREDENTIALS and not self.client_secret:
            problems.append("The client credentials grant needs a client secret.")
        for name, url in (("Issuer", self.issuer), ("Authorization URL", self.authorization_url),
                          ("Token URL", self.token_url),
                          ("Device authorization URL", self.device_authorization_url)):
            if url and not url.lower().startswith(("http://", "https://")):
                problems.append(f"{name} must start with http:// or https://.")
        return problems
