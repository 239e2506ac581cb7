"""OAuth 2.0 / OpenID Connect: the scheme's form and actions. The protocol is in
`gui.core.auth.oauth2`; tokens live in the keychain (`gui.core.auth.oauth2.tokens.TokenStore`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ... import deferred
from ..base import Action, AuthContext, AuthError, Field, FieldKind, Scheme
from .config import (
    CLIENT_AUTH,
    GRANTS,
    LEGACY,
    NON_INTERACTIVE,
    PLACEMENTS,
    REFRESH,
    Config,
)

if TYPE_CHECKING:
    import httpx

    from .tokens import Token

_PARAMS_HELP = "Sent as they are, written name=value&name2=value2."


class OAuth2Scheme(Scheme):
    id = "oauth2"
    label = "OAuth 2.0 / OpenID Connect"
    help = ("Gets an access token from an OAuth 2.0 / OpenID Connect provider and sends it "
            "with each request. Tokens are kept in the system keychain; an expired token is "
            "refreshed once, and a 401 invalid_token answer is retried once with a new one.")
    fields = (
        Field("grant", "Grant type", FieldKind.CHOICE, default="authorization_code_pkce",
              choices=GRANTS,
              help="authorization_code_pkce (browser, PKCE S256), authorization_code "
                   "(browser, confidential client), client_credentials, device_code "
                   "(a code to enter on another device), password (legacy: avoid), "
                   "implicit (legacy: avoid), refresh_token (only refresh the saved token)."),
        Field("issuer", "Issuer (OpenID discovery)", placeholder="https://id.example.com",
              help="Fills the endpoints from <issuer>/.well-known/openid-configuration; "
                   "URLs filled in below win."),
        Field("authorization_url", "Authorization URL"),
        Field("token_url", "Token URL"),
        Field("device_authorization_url", "Device authorization URL"),
        Field("client_id", "Client ID", required=True),
        Field("client_secret", "Client secret", FieldKind.SECRET,
              help="Empty for a public client (PKCE, device code)."),
        Field("client_auth", "Client authentication", FieldKind.CHOICE,
              default=CLIENT_AUTH[0], choices=CLIENT_AUTH,
              help="How the client secret is sent to the token endpoint: HTTP Basic or in "
                   "the form body."),
        Field("scope", "Scope", placeholder="openid profile", help="Space-separated."),
        Field("audience", "Audience", help="Sent as `audience` (e.g. Auth0) when set."),
        Field("resource", "Resource indicator", help="RFC 8707 `resource`, when set."),
        Field("redirect_port", "Redirect port", placeholder="any free port",
              help="The loopback redirect is http://127.0.0.1:<port>/callback; leave empty "
                   "for a free port, or fix it when the provider needs an exact URI."),
        Field("username", "User name", help="For the password grant (legacy)."),
        Field("password", "Password", FieldKind.SECRET,
              help="For the password grant (legacy)."),
        Field("extra_auth_params", "Extra authorization parameters",
              placeholder="prompt=consent", help=_PARAMS_HELP),
        Field("extra_token_params", "Extra token parameters", help=_PARAMS_HELP),
        Field("token_placement", "Send the token in", FieldKind.CHOICE, default="header",
              choices=PLACEMENTS),
        Field("header_prefix", "Header prefix", default="Bearer",
              help="The word before the token in the Authorization header; empty sends "
                   "the token alone."),
        Field("query_param", "Query parameter", default="access_token",
              help="The parameter name when the token is sent in the query."),
    )
    actions = (
        Action("get_token", "Get new token",
               "Runs the grant (a browser or device code step when it needs you)."),
        Action("refresh", "Refresh", "Uses the refresh token to get a new access token."),
        Action("clear", "Clear", "Removes the token from the keychain."),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        try:
            config = Config.from_values(values)
        except AuthError as exc:
            return [*problems, str(exc)]
        return problems + [p for p in config.problems() if p not in problems]

    def notes(self, values: dict[str, Any]) -> list[str]:
        notes = []
        try:
            config = Config.from_values(values)
        except AuthError:
            return []
        if config.grant in LEGACY:
            notes.append(f"The {config.grant_name} grant is deprecated by the OAuth 2.0 "
                         "Security Best Current Practice; use it only with old servers.")
        if config.token_placement == "query":
            notes.append("A token in the query ends up in server logs and browser history.")
        return notes

    def _saved(self, config: Config, context: AuthContext) -> Token | None:
        store = deferred.oauth2_tokens.TokenStore
        token = store(context).load()
        return token if token is not None and store.matches(token, config) else None

    def build(self, values: dict[str, Any],
              context: AuthContext | None = None) -> httpx.Auth:
        config = Config.from_values(self.values(values))
        token = self._saved(config, context) if context is not None else None
        if token is None and config.grant == REFRESH:
            raise AuthError("No OAuth 2.0 token to refresh: get one with another grant "
                            "first (the refresh_token grant only refreshes it).")
        if token is None and config.grant not in NON_INTERACTIVE:
            raise AuthError("No OAuth 2.0 token yet: press Get new token.")
        if token is not None and token.expired() and not token.refresh_token \
                and config.grant not in NON_INTERACTIVE:
            raise AuthError("The OAuth 2.0 token has expired and there is no refresh token: "
                            "press Get new token.")
        return deferred.oauth2_flow.OAuth2Auth(config, token)

    def run_action(self, name: str, values: dict[str, Any], context: AuthContext) -> str:
        config = Config.from_values(self.values(values))
        store = deferred.oauth2_tokens.TokenStore(context)
        if name == "clear":
            store.clear()
            return "The token was removed from the keychain."
        problems = config.problems()
        if problems:
            raise AuthError(" ".join(problems))
        saved = self._saved(config, context)
        if name == "get_token":
            token = deferred.oauth2_interactive.get_token(config, context.interaction, saved)
        elif name == "refresh":
            token = deferred.oauth2_interactive.refresh(config, saved)
        else:
            return super().run_action(name, values, context)
        store.save(token)
        return f"Got a new token ({config.grant_name}). {deferred.oauth2_tokens.expiry_text(token)}"

    def state(self, values: dict[str, Any], context: AuthContext) -> str:
        try:
            config = Config.from_values(self.values(values))
        except AuthError as exc:
            return str(exc)
        token = deferred.oauth2_tokens.TokenStore(context).load()
        if token is None:
            return "No token yet: press Get new token."
        if not deferred.oauth2_tokens.TokenStore.matches(token, config):
            return ("The saved token was issued for another provider or client ID: press "
                    "Get new token.")
        return deferred.oauth2_tokens.describe(token)

    def after_send(self, auth: httpx.Auth, context: AuthContext) -> None:
        if isinstance(auth, deferred.oauth2_flow.OAuth2Auth) and auth.refreshed is not None:
            deferred.oauth2_tokens.TokenStore(context).save(auth.refreshed)
