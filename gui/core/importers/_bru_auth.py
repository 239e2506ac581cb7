"""An OpenCollection auth (Bruno's YAML layout, and `.bru` auth blocks read by `_bru.py`)
as a Gatepost AuthConfig, with a notice for what cannot be carried over."""

from __future__ import annotations

from typing import Any

from ..model import AuthConfig
from . import Notice
from .common import text

_OAUTH1_METHODS = ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT")
_FLOWS = {"authorization_code": "authorization_code", "client_credentials":
          "client_credentials", "resource_owner_password_credentials": "password",
          "password": "password", "implicit": "implicit"}


def _get(d: Any, *path: str) -> str:
    for key in path:
        d = d.get(key) if isinstance(d, dict) else None
    return text(d)


def map_auth(auth: dict[str, Any], where: str, notices: list[Notice]) -> AuthConfig:
    kind = text(auth.get("type")).lower()
    if isinstance(auth.get(kind), dict):  # {type: basic, basic: {...}} as early docs show
        auth = {**auth[kind], "type": kind}

    def pick(**names: str) -> dict[str, Any]:
        return {ours: text(auth[theirs]) for ours, theirs in names.items()
                if text(auth.get(theirs))}

    if kind in ("", "none"):
        return AuthConfig("none")
    if kind in ("basic", "digest"):
        return AuthConfig(kind, pick(username="username", password="password"))
    if kind == "bearer":
        return AuthConfig("bearer", pick(token="token"))
    if kind == "ntlm":
        values = pick(username="username", password="password")
        if text(auth.get("domain")):
            values["username"] = f"{auth['domain']}\\{values.get('username', '')}"
        return AuthConfig("ntlm", values)
    if kind == "apikey":
        location = "query" if text(auth.get("placement")) in ("query", "queryparams") \
            else "header"
        return AuthConfig("apikey", {**pick(name="key", value="value"),
                                     "location": location})
    if kind == "awsv4":
        if text(auth.get("profileName")):
            notices.append(Notice(where, "the AWS profile name is not used: Gatepost signs "
                                  "with the keys given (enter them in the Auth tab)."))
        return AuthConfig("aws-sigv4", pick(access_key="accessKeyId",
                                            secret_key="secretAccessKey",
                                            session_token="sessionToken",
                                            service="service", region="region"))
    if kind == "oauth1":
        return _oauth1(auth, pick, where, notices)
    if kind == "oauth2":
        return _oauth2(auth, where, notices)
    notices.append(Notice(where, f"Bruno's {kind!r} auth has no Gatepost counterpart; the "
                          "request was imported with No auth."))
    return AuthConfig("none")


def _oauth1(auth: dict[str, Any], pick: Any, where: str,
            notices: list[Notice]) -> AuthConfig:
    values = pick(consumer_key="consumerKey", consumer_secret="consumerSecret",
                  token="accessToken", token_secret="accessTokenSecret",
                  callback="callbackUrl", verifier="verifier", realm="realm")
    method = text(auth.get("signatureMethod")) or "HMAC-SHA1"
    if method in _OAUTH1_METHODS:
        values["signature_method"] = method
    else:
        notices.append(Notice(where, f"OAuth 1 signature method {method} is not "
                              "supported; HMAC-SHA1 was chosen."))
    placement = text(auth.get("placement"))
    if placement in ("header", "query", "body"):
        values["signature_location"] = placement
    key = auth.get("privateKey")
    if isinstance(key, dict) and key.get("type") == "file" and key.get("value"):
        values["rsa_key_file"] = text(key["value"])
    elif key:
        notices.append(Notice(where, "the OAuth 1 private key was pasted into Bruno; Gatepost "
                              "reads it from a PEM file: save it to a file and choose it "
                              "in the Auth tab (it was not written anywhere)."))
    if auth.get("includeBodyHash"):
        notices.append(Notice(where, "OAuth 1 body hash is not sent by Gatepost."))
    return AuthConfig("oauth1", values)


def _oauth2(auth: dict[str, Any], where: str, notices: list[Notice]) -> AuthConfig:
    flow = text(auth.get("flow"))
    grant = _FLOWS.get(flow)
    if grant is None:
        notices.append(Notice(where, f"the OAuth 2 flow {flow!r} is not known; "
                              "authorization code was chosen."))
        grant = "authorization_code"
    pkce = auth.get("pkce")
    if grant == "authorization_code" and isinstance(pkce, dict) and not pkce.get("disabled"):
        grant = "authorization_code_pkce"
        if text(pkce.get("method")) == "plain":
            notices.append(Notice(where, "OAuth 2 PKCE method plain became S256."))
    values: dict[str, Any] = {"grant": grant}
    for ours, path in (("authorization_url", ("authorizationUrl",)),
                       ("token_url", ("accessTokenUrl",)),
                       ("client_id", ("credentials", "clientId")),
                       ("client_secret", ("credentials", "clientSecret")),
                       ("username", ("resourceOwner", "username")),
                       ("password", ("resourceOwner", "password")),
                       ("scope", ("scope",))):
        if _get(auth, *path):
            values[ours] = _get(auth, *path)
    if _get(auth, "credentials", "placement") == "body":
        values["client_auth"] = "client_secret_post"
    placement = auth.get("tokenConfig", {}).get("placement") if isinstance(
        auth.get("tokenConfig"), dict) else None
    if isinstance(placement, dict) and "query" in placement:
        values["token_placement"] = "query"
        values["query_param"] = text(placement["query"]) or "access_token"
    elif isinstance(placement, dict) and "header" in placement:
        values["header_prefix"] = text(placement["header"])
    if _get(auth, "tokenConfig", "source") == "id_token":
        notices.append(Notice(where, "OAuth 2: the ID token was sent in place of the "
                              "access token in Bruno; Gatepost sends the access token."))
    extra = auth.get("additionalParameters")
    if isinstance(extra, dict) and any(extra.values()):
        notices.append(Notice(where, "OAuth 2 additional parameters were not imported: "
                              "enter them in the Auth tab (extra parameters)."))
    return AuthConfig("oauth2", values)
