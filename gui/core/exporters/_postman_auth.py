"""A Gatepost AuthConfig as a Postman v2.1 `auth` object (the inverse of
gui/core/importers/_postman_auth.py). Secret fields are written empty and named in the
notes; a scheme Postman has no type for becomes `noauth`, said in the notes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..auth import AuthError, get
from ..importers._postman_auth import FIELDS, GRANTS, SCHEMES
from ..model import AuthConfig

_TYPES = {scheme: kind for kind, scheme in SCHEMES.items()}
_GRANTS_OUT = {grant: kind for kind, grant in GRANTS.items()}


def auth_out(config: AuthConfig, where: str, note: Callable[[str], None],
             left_out: Callable[[str], None]) -> dict[str, Any] | None:
    """Postman's `auth` for `config`; None for inherit (Postman's default)."""
    if config.scheme == "inherit":
        return None
    if config.scheme == "none":
        return {"type": "noauth"}
    kind = _TYPES.get(config.scheme)
    try:
        scheme = get(config.scheme)
    except AuthError:
        scheme = None
    if kind is None or scheme is None:
        note(f"{where}: {scheme.label if scheme else config.scheme} auth has no Postman "
             "type; it was exported as No auth")
        return {"type": "noauth"}
    values = {f.name: config.values.get(f.name, f.default) for f in scheme.fields}
    attrs: dict[str, Any] = {}
    for f in scheme.fields:
        key = FIELDS[config.scheme].get(f.name)
        if key is None:
            continue
        if f.secret:
            # Opened without the keychain: a secret saved in it is an empty value here.
            if f.name in config.values or values.get(f.name):
                left_out(f"{f.label} ({scheme.label}, {where})")
            attrs[key] = ""
        elif values.get(f.name) not in (None, ""):
            attrs[key] = values[f.name]
    special = _SPECIAL.get(config.scheme)
    if special is not None:
        special(values, attrs, lambda message: note(f"{where}: {message}"))
    return {"type": kind, kind: [{"key": k, "value": v,
                                  "type": "boolean" if isinstance(v, bool) else
                                  "any" if isinstance(v, list) else "string"}
                                 for k, v in attrs.items()]}


def _apikey(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    location = values.get("location") or "header"
    if location == "cookie":
        note("Postman sends an API key in a header or the query, not a cookie; it is set "
             "to the header")
        location = "header"
    attrs["in"] = location


def _oauth1(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    attrs["signatureMethod"] = values.get("signature_method") or "HMAC-SHA1"
    attrs["addParamsToHeader"] = (values.get("signature_location") or "header") == "header"
    attrs["version"] = "1.0"
    if values.get("rsa_key_file"):
        note(f"the RSA key file {values['rsa_key_file']} is not in the export; paste the "
             "key into Postman")


def _oauth2(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    grant = values.get("grant") or "authorization_code_pkce"
    if grant in _GRANTS_OUT:
        attrs["grant_type"] = _GRANTS_OUT[grant]
    else:
        note(f"OAuth 2 grant {grant} has no Postman equivalent; set to authorization code")
        attrs["grant_type"] = "authorization_code"
    if values.get("issuer") and not (values.get("token_url") or values.get("authorization_url")):
        note(f"OAuth 2 endpoints come from the issuer {values['issuer']} in Gatepost; fill "
             "them in Postman")
    attrs["client_authentication"] = "body" if values.get("client_auth") == \
        "client_secret_post" else "header"
    attrs["addTokenTo"] = "queryParams" if values.get("token_placement") == "query" \
        else "header"
    if values.get("redirect_port"):
        attrs["redirect_uri"] = f"http://127.0.0.1:{values['redirect_port']}/callback"
    if grant == "authorization_code_pkce":
        attrs["challengeAlgorithm"] = "S256"
    extra = [{"key": k, "value": values[k], "enabled": True, "send_as": "request_url"}
             for k in ("audience", "resource") if values.get(k)]
    extra += _pairs(values.get("extra_auth_params"), "request_url")
    if extra:
        attrs["authRequestParams"] = extra
    token = _pairs(values.get("extra_token_params"), "request_body")
    if token:
        attrs["tokenRequestParams"] = token


def _pairs(text: Any, send_as: str) -> list[dict[str, Any]]:
    out = []
    for part in str(text or "").split("&"):
        key, _, value = part.partition("=")
        if key:
            out.append({"key": key, "value": value, "enabled": True, "send_as": send_as})
    return out


def _ntlm(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    domain, slash, user = str(values.get("username") or "").rpartition("\\")
    attrs["username"] = user
    if slash:
        attrs["domain"] = domain


def _hawk(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    attrs["includePayloadHash"] = bool(values.get("payload_hash", True))


def _jwt(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    try:
        claims = json.loads(values.get("extra_claims") or "{}")
    except ValueError:
        claims = None
    if not isinstance(claims, dict):
        note("the JWT's extra claims are not a JSON object; they were left out")
        claims = {}
    for field, claim in (("issuer", "iss"), ("subject", "sub"), ("audience", "aud")):
        if values.get(field):
            claims[claim] = values[field]
    attrs["payload"] = json.dumps(claims, indent=2)
    header = {k: values[k] for k in ("kid", "typ") if values.get(k)}
    if header:
        attrs["header"] = json.dumps(header)
    attrs["addTokenTo"] = "header"
    if (values.get("header_name") or "Authorization") != "Authorization":
        note(f"Postman sends a JWT in Authorization, not {values['header_name']}")
    if values.get("private_key_file"):
        note(f"the private key file {values['private_key_file']} is not in the export; "
             "paste the key into Postman")
    note("Postman sets no exp or iat by itself: add them to the JWT payload there")


def _asap(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    if values.get("lifetime"):
        attrs["exp"] = str(values["lifetime"])
    if values.get("private_key_file"):
        note(f"the private key file {values['private_key_file']} is not in the export; "
             "paste the key into Postman")


def _bearer(values: dict[str, Any], attrs: dict[str, Any], note: Callable[[str], None]) -> None:
    if (values.get("prefix") if values.get("prefix") is not None else "Bearer") != "Bearer":
        note(f"Postman always sends the word Bearer, not {values.get('prefix')!r}")


_SPECIAL: dict[str, Callable[[dict[str, Any], dict[str, Any], Callable[[str], None]], None]] = {
    "apikey": _apikey, "oauth1": _oauth1, "oauth2": _oauth2, "ntlm": _ntlm, "hawk": _hawk,
    "jwt-bearer": _jwt, "asap": _asap, "bearer": _bearer,
}
