"""Insomnia's authentication objects as Gatepost auth configs, and what each mapping
could not carry over (never a value: notices are written beside the collection)."""

from __future__ import annotations

from typing import Any

from ..model import AuthConfig
from .common import text

_GRANTS = {"authorization_code": "authorization_code", "implicit": "implicit",
           "password": "password", "client_credentials": "client_credentials",
           "refresh_token": "refresh_token"}


def map_auth(kind: str, v: dict[str, Any]) -> AuthConfig | None:
    def pick(**names: str) -> dict[str, Any]:
        return {ours: v[theirs] for ours, theirs in names.items()
                if v.get(theirs) not in (None, "")}

    if kind in ("basic", "digest"):
        return AuthConfig(kind, pick(username="username", password="password"))
    if kind == "ntlm":
        values = pick(username="username", password="password")
        if v.get("domain"):
            values["username"] = f"{v['domain']}\\{values.get('username', '')}"
        return AuthConfig("ntlm", values)
    if kind == "bearer":
        return AuthConfig("bearer", pick(token="token", prefix="prefix"))
    if kind == "apikey":
        location = {"queryParams": "query", "cookie": "cookie"}.get(text(v.get("addTo")),
                                                                     "header")
        return AuthConfig("apikey", {**pick(name="key", value="value"), "location": location})
    if kind == "oauth1":
        values = pick(consumer_key="consumerKey", consumer_secret="consumerSecret",
                      token="tokenKey", token_secret="tokenSecret", realm="realm",
                      callback="callback", verifier="verifier")
        method = text(v.get("signatureMethod")) or "HMAC-SHA1"
        if method in ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"):
            values["signature_method"] = method
        return AuthConfig("oauth1", values)
    if kind == "oauth2":
        grant = _GRANTS.get(text(v.get("grantType")), "authorization_code")
        if grant == "authorization_code" and v.get("usePkce"):
            grant = "authorization_code_pkce"
        values = pick(authorization_url="authorizationUrl", token_url="accessTokenUrl",
                      client_id="clientId", client_secret="clientSecret", scope="scope",
                      audience="audience", resource="resource", username="username",
                      password="password", header_prefix="tokenPrefix")
        values["grant"] = grant
        if v.get("credentialsInBody"):
            values["client_auth"] = "client_secret_post"
        return AuthConfig("oauth2", values)
    if kind == "iam":
        return AuthConfig("aws-sigv4", pick(access_key="accessKeyId",
                                            secret_key="secretAccessKey",
                                            session_token="sessionToken", region="region",
                                            service="service"))
    if kind == "hawk":
        values = pick(auth_id="id", auth_key="key", algorithm="algorithm", ext="ext")
        values["payload_hash"] = bool(v.get("validatePayload"))
        return AuthConfig("hawk", values)
    if kind == "asap":
        return AuthConfig("asap", pick(issuer="issuer", subject="subject", audience="audience",
                                       kid="keyId", extra_claims="additionalClaims"))
    if kind == "netrc":
        return AuthConfig("netrc")
    return None


def auth_problems(kind: str, v: dict[str, Any]) -> list[str]:
    """What an auth mapping could not carry over, one sentence each (never a value)."""
    out = []
    if kind in ("oauth1", "asap") and v.get("privateKey"):
        out.append(f"the {kind} private key was pasted into Insomnia; Gatepost reads it from "
                   "a PEM file: save it to a file and choose it in the Auth tab (it was not "
                   "written anywhere).")
    if kind == "oauth1":
        method = text(v.get("signatureMethod")) or "HMAC-SHA1"
        if method not in ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"):
            out.append(f"OAuth 1 signature method {method} is not supported; HMAC-SHA1 was "
                       "chosen.")
        if v.get("nonce") or v.get("timestamp"):
            out.append("OAuth 1 fixed nonce/timestamp were dropped: Gatepost makes fresh ones.")
        if v.get("includeBodyHash"):
            out.append("OAuth 1 body hash (oauth_body_hash) is not sent by Gatepost.")
    if kind == "oauth2":
        if v.get("usePkce") and text(v.get("pkceMethod")) == "plain":
            out.append("OAuth 2 PKCE method plain became S256 (Gatepost sends S256 only).")
        response = text(v.get("responseType"))
        if response and response not in ("code", "token"):
            out.append(f"OAuth 2 response type {response!r} is not used: Gatepost asks for "
                       "a code (or a token for the implicit grant).")
    if kind == "basic" and v.get("useISO88591"):
        out.append("Basic auth in ISO-8859-1 is not offered: Gatepost encodes as UTF-8.")
    return out
