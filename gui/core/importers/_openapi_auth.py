"""OpenAPI security schemes (Swagger: securityDefinitions) as Gatepost auth.

A security requirement lists alternatives, each a set of schemes used together;
Gatepost sends one scheme per request, so the first non-empty alternative's first
scheme is taken and any other it needs is listed. No credential is in a spec: the
secret fields are left empty for the person to fill in (they go to the keychain then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..model import AuthConfig
from .common import as_dict

if TYPE_CHECKING:
    from .openapi import _Reader

#: OAuth 2 flows in the order one is picked when a scheme offers several: the ones a
#: person can run from the window first, the legacy ones last.
_FLOWS = {
    "authorizationCode": "authorization_code_pkce",
    "accessCode": "authorization_code_pkce",  # Swagger 2.0
    "clientCredentials": "client_credentials",
    "application": "client_credentials",  # Swagger 2.0
    "deviceAuthorization": "device_code",  # OpenAPI 3.2
    "password": "password",
    "implicit": "implicit",
}
#: http schemes (RFC 7235 names, case-insensitive) Gatepost has.
_HTTP = {"basic": "basic", "bearer": "bearer", "digest": "digest", "ntlm": "ntlm",
         "negotiate": "kerberos"}
_WELL_KNOWN = "/.well-known/openid-configuration"


class Security:
    def __init__(self, reader: _Reader, spec: dict[str, Any], server: str,
                 swagger: bool) -> None:
        self._reader = reader
        self._server = server
        if swagger:
            found, self._where = spec.get("securityDefinitions"), "securityDefinitions"
        else:
            components = spec.get("components")
            found = components.get("securitySchemes") if isinstance(components,
                                                                    dict) else None
            self._where = "components.securitySchemes"
        self._schemes = found if isinstance(found, dict) else {}
        self._mapped: dict[str, AuthConfig | None] = {}

    def auth(self, requirement: Any, where: str) -> AuthConfig | None:
        """The auth for a `security` list; None when there is none to map (no list);
        AuthConfig("none") for an explicit empty one (`security: []`)."""
        if requirement is None:
            return None
        if not isinstance(requirement, list):
            self._reader.note(where, "`security` is not a list; it was ignored.")
            return None
        alternatives = [r for r in requirement if isinstance(r, dict) and r]
        # The first alternative Gatepost can send wins (the spec lists them in no order).
        for chosen in alternatives:
            names = list(chosen)
            found = self._scheme(str(names[0]), where)
            if found is not None:
                break
        else:
            return AuthConfig("none")
        if len(names) > 1:
            self._reader.note(where, f"The API asks for {', '.join(map(repr, names))} "
                              f"together; Gatepost sends one scheme: {names[0]!r}. Add the "
                              "others as headers or parameters.")
        scopes = chosen[names[0]] if isinstance(chosen[names[0]], list) else []
        config = AuthConfig(found.scheme, dict(found.values))
        if config.scheme == "oauth2" and scopes:
            listed = str(config.values.get("scope", "")).split()
            config.values["scope"] = " ".join(dict.fromkeys([*listed, *map(str, scopes)]))
        return config

    def _scheme(self, name: str, where: str) -> AuthConfig | None:
        if name not in self._mapped:
            swhere = f"{self._where}.{name}"
            if name not in self._schemes:
                self._reader.note(where, f"The security scheme {name!r} is not defined in "
                                  f"{self._where}.")
                self._mapped[name] = None
            else:
                scheme = self._reader.deref(self._schemes[name], swhere)
                self._mapped[name] = self._map(scheme, swhere) if isinstance(
                    scheme, dict) else None
        return self._mapped[name]

    def _map(self, scheme: dict[str, Any], where: str) -> AuthConfig | None:
        kind = str(scheme.get("type") or "")
        if kind == "apiKey":
            place = str(scheme.get("in") or "header")
            if place not in ("header", "query", "cookie"):
                self._reader.note(where, f"An API key in {place!r} is not supported.")
                return None
            return AuthConfig("apikey", {"name": str(scheme.get("name") or ""),
                                         "value": "", "location": place})
        if kind == "basic":  # Swagger 2.0
            return AuthConfig("basic", {"username": "", "password": ""})
        if kind == "http":
            http = str(scheme.get("scheme") or "").lower()
            if http not in _HTTP:
                self._reader.note(where, f"HTTP auth scheme {http!r} has no Gatepost "
                                  "equivalent; the requests are sent without auth.")
                return None
            values: dict[str, Any] = {"bearer": {"token": "", "prefix": "Bearer"},
                                      "kerberos": {}}.get(_HTTP[http], {"username": "",
                                                                         "password": ""})
            return AuthConfig(_HTTP[http], values)
        if kind == "oauth2":
            return self._oauth2(scheme, where)
        if kind == "openIdConnect":
            url = self._url(str(scheme.get("openIdConnectUrl") or ""))
            issuer = url.removesuffix(_WELL_KNOWN) if url.endswith(_WELL_KNOWN) else ""
            if not issuer:
                self._reader.note(where, f"The OpenID Connect URL {url!r} is not an issuer's "
                                  f"{_WELL_KNOWN}; fill in the endpoints by hand.")
            return AuthConfig("oauth2", {"grant": "authorization_code_pkce",
                                         "issuer": issuer, "client_id": "",
                                         "scope": "openid"})
        if kind == "mutualTLS":
            self._reader.note(where, "The API asks for a client certificate (mutual TLS): "
                              "add it under Certificates… for the API's host.")
            return None
        self._reader.note(where, f"Security scheme type {kind!r} is not supported; the "
                          "requests are sent without auth.")
        return None

    def _oauth2(self, scheme: dict[str, Any], where: str) -> AuthConfig | None:
        flows: Any
        if "flow" in scheme:  # Swagger 2.0: one flow, its URLs on the scheme
            flows = {str(scheme["flow"]): scheme}
        else:
            flows = as_dict(scheme.get("flows"))
        offered = [f for f in _FLOWS if isinstance(flows.get(f), dict)]
        if not offered:
            self._reader.note(where, "No OAuth 2 flow Gatepost knows is listed; choose a "
                              "grant in the Auth tab.")
            return AuthConfig("oauth2", {"client_id": ""})
        flow_name = offered[0]
        flow = flows[flow_name]
        grant = _FLOWS[flow_name]
        if grant == "authorization_code_pkce" and _pkce_off(flow, scheme):
            grant = "authorization_code"
        values: dict[str, Any] = {"grant": grant, "client_id": "", "client_secret": ""}
        for key, field in (("authorizationUrl", "authorization_url"),
                           ("tokenUrl", "token_url"),
                           ("deviceAuthorizationUrl", "device_authorization_url")):
            if flow.get(key):
                values[field] = self._url(str(flow[key]))
        if len(offered) > 1:
            self._reader.note(where, f"The API also offers the OAuth 2 flows "
                              f"{', '.join(offered[1:])}; {flow_name} was chosen.")
        if grant == "authorization_code_pkce":
            self._reader.note(where, "Authorization code flow imported with PKCE (S256), "
                              "as OAuth 2.1 asks; choose plain authorization_code in the "
                              "Auth tab if the provider does not support PKCE.")
        return AuthConfig("oauth2", values)

    def _url(self, url: str) -> str:
        """An OAuth URL relative to the (first) server made absolute."""
        if "://" in url or not url or not self._server or "{{" in self._server:
            return url
        return urljoin(self._server + "/", url)


def _pkce_off(flow: dict[str, Any], scheme: dict[str, Any]) -> bool:
    """A vendor extension saying PKCE is not used (`x-usePkce: false` and kin)."""
    for owner in (flow, scheme):
        for key, value in owner.items():
            if str(key).lower().startswith("x-") and "pkce" in str(key).lower():
                return value is False or str(value).lower() in ("false", "no", "none")
    return False
