"""Postman's auth types and Gatepost's schemes, both ways (the importer and the exporter).

Postman v2.1 keeps a type's settings as a list of `{key, value, type}`; v2.0 as an
object. Field names are Postman's own (its collection SDK's). A value Gatepost computes
itself (a Digest nonce, an OAuth 1 timestamp) is not carried over; a value it cannot use
is named in a notice, never its content: a private key pasted into Postman or a saved
access token is a secret, and the importer writes no file that holds one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..model import AuthConfig

#: Postman type -> Gatepost scheme, for the types that map field by field.
SCHEMES = {
    "basic": "basic", "digest": "digest", "bearer": "bearer", "apikey": "apikey",
    "oauth1": "oauth1", "oauth2": "oauth2", "awsv4": "aws-sigv4", "ntlm": "ntlm",
    "hawk": "hawk", "edgegrid": "edgegrid", "jwt": "jwt-bearer", "asap": "asap",
}
#: Gatepost field <- Postman key, per scheme (choices and special cases are code below).
FIELDS: dict[str, dict[str, str]] = {
    "basic": {"username": "username", "password": "password"},
    "digest": {"username": "username", "password": "password"},
    "bearer": {"token": "token"},
    "apikey": {"name": "key", "value": "value"},
    "oauth1": {"consumer_key": "consumerKey", "consumer_secret": "consumerSecret",
               "token": "token", "token_secret": "tokenSecret", "realm": "realm",
               "callback": "callback", "verifier": "verifier"},
    "oauth2": {"authorization_url": "authUrl", "token_url": "accessTokenUrl",
               "client_id": "clientId", "client_secret": "clientSecret", "scope": "scope",
               "username": "username", "password": "password",
               "header_prefix": "headerPrefix"},
    "aws-sigv4": {"access_key": "accessKey", "secret_key": "secretKey",
                  "session_token": "sessionToken", "region": "region", "service": "service"},
    "ntlm": {"password": "password"},
    "hawk": {"auth_id": "authId", "auth_key": "authKey", "algorithm": "algorithm",
             "ext": "extraData", "app": "app", "dlg": "delegation"},
    "edgegrid": {"client_token": "clientToken", "client_secret": "clientSecret",
                 "access_token": "accessToken", "headers_to_sign": "headersToSign"},
    "jwt-bearer": {"algorithm": "algorithm", "secret": "secret", "prefix": "headerPrefix"},
    "asap": {"issuer": "iss", "audience": "aud", "subject": "sub", "kid": "kid",
             "algorithm": "alg", "extra_claims": "claims"},
}
GRANTS = {"authorization_code": "authorization_code",
          "authorization_code_with_pkce": "authorization_code_pkce",
          "client_credentials": "client_credentials",
          "password_credentials": "password", "implicit": "implicit"}
#: Postman keys that hold something secret Gatepost does not take from a file.
_DROPPED_SECRETS = {"accessToken": "the saved access token", "refreshToken":
                    "the saved refresh token", "privateKey": "the private key"}
_OAUTH1_METHODS = ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT")


def attributes(data: Any) -> dict[str, Any]:
    """A type's settings as a dict: v2.1 `[{key, value}]` or v2.0 `{key: value}`."""
    if isinstance(data, dict):
        return dict(data)
    out: dict[str, Any] = {}
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            out[entry["key"]] = entry.get("value")
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _pairs(value: Any) -> str:
    """Postman's list of extra parameters as Gatepost's `a=b&c=d` text."""
    rows = value if isinstance(value, list) else []
    return "&".join(f"{_text(r.get('key'))}={_text(r.get('value'))}" for r in rows
                    if isinstance(r, dict) and r.get("key") and r.get("enabled", True))


def _seconds(value: Any) -> str:
    """ASAP's expiry ("3600", "1h", "30m") as seconds, or "" when unreadable."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", _text(value))
    if not match:
        return ""
    return str(int(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]])


def auth_in(data: Any, note: Callable[[str], None], form_body: bool = False) -> AuthConfig:
    """Postman's `auth` as an AuthConfig; `note` is told what needs attention.
    No `auth` (None) inherits, as in Postman."""
    if data is None:
        return AuthConfig("inherit")
    if not isinstance(data, dict):
        note("auth is not an object; the request inherits its parent's")
        return AuthConfig("inherit")
    kind = _text(data.get("type"))
    if kind in ("", "inherit"):
        return AuthConfig("inherit")
    if kind == "noauth":
        return AuthConfig("none")
    scheme = SCHEMES.get(kind)
    attrs = attributes(data.get(kind))
    if scheme is None:
        # Sending without auth is safer than sending the parent's credentials.
        note(f"auth type {kind!r} has no Gatepost scheme; the request sends no auth "
             f"until one is chosen (its settings: {', '.join(sorted(attrs)) or 'none'})")
        return AuthConfig("none")
    values = {field: _text(attrs[key]) for field, key in FIELDS[scheme].items()
              if attrs.get(key) not in (None, "")}
    mapped = set(FIELDS[scheme].values())
    for key, what in _DROPPED_SECRETS.items():
        if key not in mapped and attrs.get(key) not in (None, ""):
            note(f"{what} of its {kind} auth was not imported (it would be a secret in a "
                 "file); " + ("get a new token in the Auth tab" if "token" in what.lower()
                              else "save it as a PEM file and choose it in the Auth tab"))
    _SPECIAL.get(kind, lambda *a: None)(attrs, values, note, form_body)
    return AuthConfig(scheme, values)


def _apikey(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
            form_body: bool) -> None:
    values["location"] = "query" if _text(attrs.get("in")) == "query" else "header"


def _oauth1(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
            form_body: bool) -> None:
    method = _text(attrs.get("signatureMethod")) or "HMAC-SHA1"
    if method in _OAUTH1_METHODS:
        values["signature_method"] = method
    else:
        note(f"OAuth 1 signature method {method} is not offered; HMAC-SHA1 is set, "
             "choose the one the server expects")
    header = attrs.get("addParamsToHeader")
    if header is not None and not _flag(header):
        # Postman puts them in the body of a form request, else in the URL.
        values["signature_location"] = "body" if form_body else "query"
    if _flag(attrs.get("includeBodyHash")):
        note("OAuth 1 body hash (oauth_body_hash) is not sent by Gatepost")


def _oauth2(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
            form_body: bool) -> None:
    grant = _text(attrs.get("grant_type")) or "authorization_code"
    if grant in GRANTS:
        values["grant"] = GRANTS[grant]
    else:
        note(f"OAuth 2 grant {grant!r} is not offered; choose a grant in the Auth tab")
    if _text(attrs.get("client_authentication")) == "body":
        values["client_auth"] = "client_secret_post"
    if _text(attrs.get("addTokenTo")) == "queryParams":
        values["token_placement"] = "query"
    if _text(attrs.get("challengeAlgorithm")) == "plain":
        note("OAuth 2 PKCE with the plain method: Gatepost always uses S256")
    redirect = _text(attrs.get("redirect_uri"))
    port = re.fullmatch(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)(/.*)?", redirect)
    if port:
        values["redirect_port"] = port[1]
    elif redirect and values.get("grant") in ("authorization_code", "authorization_code_pkce",
                                             "implicit"):
        note(f"OAuth 2 redirect URI {redirect} is not a loopback one: register Gatepost's "
             "http://127.0.0.1:<port>/callback with the provider")
    extra = []
    for row in attrs.get("authRequestParams") or []:
        if isinstance(row, dict) and row.get("key") in ("audience", "resource"):
            values[row["key"]] = _text(row.get("value"))
        elif isinstance(row, dict):
            extra.append(row)
    if _pairs(extra):
        values["extra_auth_params"] = _pairs(extra)
    if _pairs(attrs.get("tokenRequestParams")):
        values["extra_token_params"] = _pairs(attrs.get("tokenRequestParams"))


def _aws(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
         form_body: bool) -> None:
    if _flag(attrs.get("addAuthDataToQuery")):
        note("AWS Signature in the query string: Gatepost signs the headers instead")


def _ntlm(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
          form_body: bool) -> None:
    user, domain = _text(attrs.get("username")), _text(attrs.get("domain"))
    if user:
        values["username"] = f"{domain}\\{user}" if domain and "\\" not in user else user
    if attrs.get("workstation"):
        note("NTLM workstation is not sent by Gatepost")


def _hawk(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
          form_body: bool) -> None:
    if values.get("algorithm") not in (None, "sha256", "sha1"):
        note(f"Hawk algorithm {values.pop('algorithm')} is not offered; sha256 is set")
    if "includePayloadHash" in attrs:
        values["payload_hash"] = _flag(attrs.get("includePayloadHash"))


def _edgegrid(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
              form_body: bool) -> None:
    if attrs.get("baseURL"):
        note(f"EdgeGrid base URL {_text(attrs['baseURL'])} is not used: requests go to "
             "their own URL")


def _jwt(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
         form_body: bool) -> None:
    if _flag(attrs.get("isSecretBase64Encoded")):
        note("JWT secret marked base64-encoded: Gatepost uses the secret as typed")
    if _text(attrs.get("addTokenTo")) == "queryParam":
        note("JWT in the query string: Gatepost sends it in a header")
    payload = _text(attrs.get("payload")).strip()
    try:
        claims = json.loads(payload) if payload else {}
    except ValueError:
        claims = None
    if not isinstance(claims, dict):
        note("JWT payload is not a JSON object (variables in it?); it was kept as the "
             "extra claims, check it")
        values["extra_claims"] = payload
        return
    for claim, field in (("iss", "issuer"), ("sub", "subject"), ("aud", "audience")):
        if isinstance(claims.get(claim), str):
            values[field] = claims.pop(claim)
    if claims.pop("exp", None) is not None or claims.pop("iat", None) is not None:
        note("JWT exp/iat in the payload: Gatepost sets them at each send (Lifetime)")
    if claims:
        values["extra_claims"] = json.dumps(claims)
    header = _text(attrs.get("header")).strip()
    try:
        extra = json.loads(header) if header else {}
    except ValueError:
        extra = None
    if not isinstance(extra, dict):
        note("JWT header is not a JSON object; it was not imported")
        return
    for key, field in (("kid", "kid"), ("typ", "typ")):
        if isinstance(extra.get(key), str):
            values[field] = extra.pop(key)
    extra.pop("alg", None)
    if extra:
        note(f"JWT header fields {', '.join(sorted(extra))} are not sent by Gatepost")


def _asap(attrs: dict[str, Any], values: dict[str, Any], note: Callable[[str], None],
          form_body: bool) -> None:
    if attrs.get("exp") not in (None, ""):
        lifetime = _seconds(attrs["exp"])
        if lifetime:
            values["lifetime"] = lifetime
        else:
            note(f"ASAP expiry {_text(attrs['exp'])!r} is not a number of seconds; "
                 "the default lifetime is set")


_SPECIAL: dict[str, Callable[[dict[str, Any], dict[str, Any], Callable[[str], None], bool],
                             None]] = {
    "apikey": _apikey, "oauth1": _oauth1, "oauth2": _oauth2, "awsv4": _aws, "ntlm": _ntlm,
    "hawk": _hawk, "edgegrid": _edgegrid, "jwt": _jwt, "asap": _asap,
}
