"""The OAuth 2.0 requests, sans I/O: generators that yield `httpx.Request`s, receive the
responses and return what they learnt. Inside an `httpx.Auth` flow the engine sends each
request (one `auth` hop each); `interactive.drive` sends them for the actions.

Every request carries the name of its step in `request.extensions["gatepost_step"]`, so
that whoever sends it can name the step when the network fails. Every failure is an
AuthError that names the step and shows the provider's `error` / `error_description`.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote_plus

import httpx

from ... import deferred
from ..base import AuthError
from .config import (
    CLIENT_CREDENTIALS,
    DEVICE_GRANT_TYPE,
    PASSWORD,
    REFRESH,
    Config,
)
from .tokens import Token, token_from_response

T = TypeVar("T")
#: A protocol step: yields requests, is sent their responses, returns a T.
Step = Generator[httpx.Request, httpx.Response, T]

STEP = "gatepost_step"
DISCOVERY_PATH = "/.well-known/openid-configuration"
#: How long a discovery document is reused (it changes rarely; "Get new token" refreshes).
DISCOVERY_TTL = 600.0
_TEXT_LIMIT = 240


@dataclass(frozen=True)
class Endpoints:
    issuer: str = ""
    authorization: str = ""
    token: str = ""
    device_authorization: str = ""


_discovered: dict[str, tuple[float, Endpoints]] = {}
_lock = threading.Lock()


def forget_discovery() -> None:
    with _lock:
        _discovered.clear()


def request(method: str, url: str, step: str, **kwargs: Any) -> httpx.Request:
    req = httpx.Request(method, url, **kwargs)
    req.extensions[STEP] = step
    return req


def step_of(req: httpx.Request) -> str:
    return str(req.extensions.get(STEP) or f"The request to {req.url}")


def _page_text(text: str) -> str:
    """A page's readable text, shortened: enough to recognise a login page."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
    text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT - 1] + "…"


def provider_error(data: Any) -> str | None:
    """`error: error_description` from an OAuth error answer, or None."""
    if not isinstance(data, dict) or not data.get("error"):
        return None
    error = _page_text(str(data["error"]))
    description = data.get("error_description")
    return f"{error}: {_page_text(str(description))}" if description else error


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return None


def answer(response: httpx.Response, step: str) -> dict[str, Any]:
    """The JSON object a successful response carries; AuthError naming the step for an
    OAuth error, another HTTP error, or a body that is not a JSON object (an HTML page)."""
    url = response.request.url.copy_with(query=None)
    data = _json(response)
    error = provider_error(data)
    status = f"HTTP {response.status_code}"
    if error:
        raise AuthError(f"{step} failed: {url} answered {status} {error}")
    if not response.is_success:
        detail = _page_text(response.text) if response.content else ""
        raise AuthError(f"{step} failed: {url} answered {status} "
                        f"{response.reason_phrase}" + (f" ({detail})" if detail else "") + ".")
    if not isinstance(data, dict):
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        shown = _page_text(response.text) if response.content else "an empty body"
        raise AuthError(f"{step} failed: {url} answered {kind or 'a body without a type'} "
                        f"instead of JSON: {shown!r}. Is this URL the right endpoint?")
    return data


# -- discovery -----------------------------------------------------------------------

def discover(issuer: str) -> Step[Endpoints]:
    """OpenID Connect Discovery 1.0: the issuer's endpoints."""
    url = issuer.rstrip("/") + DISCOVERY_PATH
    step = "OpenID discovery"
    response = yield request("GET", url, step, headers={"Accept": "application/json"})
    data = answer(response, step)
    said = str(data.get("issuer") or "")
    if said.rstrip("/") != issuer.rstrip("/"):
        raise AuthError(f"{step} failed: {url} names the issuer {said!r}, not {issuer!r}; "
                        "the issuer URL must be exactly the provider's.")
    found = Endpoints(
        issuer=said,
        authorization=str(data.get("authorization_endpoint") or ""),
        token=str(data.get("token_endpoint") or ""),
        device_authorization=str(data.get("device_authorization_endpoint") or ""),
    )
    with _lock:
        _discovered[issuer.rstrip("/")] = (time.monotonic(), found)
    return found


def _explicit(config: Config) -> Endpoints:
    return Endpoints(config.issuer, config.authorization_url, config.token_url,
                     config.device_authorization_url)


def _overlay(config: Config, found: Endpoints) -> Endpoints:
    """The fields the user filled in win over the discovered endpoints."""
    mine = _explicit(config)
    return Endpoints(found.issuer or mine.issuer, mine.authorization or found.authorization,
                     mine.token or found.token,
                     mine.device_authorization or found.device_authorization)


_NAMES = {"authorization": "authorization URL", "token": "token URL",
          "device_authorization": "device authorization URL"}


def endpoints(config: Config, *need: str, fresh: bool = False) -> Step[Endpoints]:
    """The endpoints `need`ed, from the fields, else from the issuer's discovery document
    (cached for DISCOVERY_TTL unless `fresh`)."""
    have = _explicit(config)
    if all(getattr(have, n) for n in need):
        return have
    if not config.issuer:
        missing = ", ".join(_NAMES[n] for n in need if not getattr(have, n))
        raise AuthError(f"No {missing}: fill it in, or give the issuer to discover it.")
    found = None
    if not fresh:
        with _lock:
            cached = _discovered.get(config.issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
            found = cached[1]
    if found is None:
        found = yield from discover(config.issuer)
    result = _overlay(config, found)
    absent = [_NAMES[n] for n in need if not getattr(result, n)]
    if absent:
        raise AuthError(f"The discovery document of {config.issuer} has no "
                        f"{', '.join(absent)}: fill it in by hand.")
    return result


# -- token requests ------------------------------------------------------------------

def authenticated_post(config: Config, url: str, body: str, step: str) -> httpx.Request:
    """A form POST with the client's authentication, by authlib: HTTP Basic, in the
    body, or (a public client without a secret) just `client_id` in the body."""
    headers = {"Accept": "application/json",
               "Content-Type": "application/x-www-form-urlencoded"}
    client_auth = deferred.authlib_auth.ClientAuth
    if not config.client_secret:
        auth = client_auth(config.client_id, None, "none")
    elif config.client_auth == "client_secret_basic":
        # RFC 6749 2.3.1: both are form-encoded before they are joined and base64'd.
        auth = client_auth(quote_plus(config.client_id, safe=""),
                           quote_plus(config.client_secret, safe=""), "client_secret_basic")
    else:
        auth = client_auth(config.client_id, config.client_secret, "client_secret_post")
    _, headers, body = auth.prepare("POST", url, headers, body)
    return request("POST", url, step, headers=headers, content=body.encode())


def token_request(config: Config, url: str, grant_type: str, params: dict[str, str],
                  step: str) -> httpx.Request:
    body = deferred.oauth2_parameters.prepare_token_request(
        grant_type, **{k: v for k, v in params.items() if v})
    more = [(k, v) for k, v in (("audience", config.audience),
                                ("resource", config.resource)) if v]
    more += list(config.extra_token_params)
    if more:
        body = deferred.authlib_urls.add_params_to_qs(body, more)
    return authenticated_post(config, url, body, step)


def request_token(config: Config, url: str, grant_type: str, params: dict[str, str],
                  step: str, grant: str) -> Step[Token]:
    response = yield token_request(config, url, grant_type, params, step)
    data = answer(response, step)
    token = token_from_response(data, grant=grant, provider=config.provider,
                                client_id=config.client_id, requested_scope=config.scope)
    if token is None:
        raise AuthError(f"{step} failed: {url} answered without an access_token.")
    return token


def client_credentials(config: Config, token_url: str) -> Step[Token]:
    return (yield from request_token(
        config, token_url, "client_credentials", {"scope": config.scope},
        "Token request (client credentials grant)", CLIENT_CREDENTIALS))


def password(config: Config, token_url: str) -> Step[Token]:
    return (yield from request_token(
        config, token_url, "password",
        {"username": config.username, "password": config.password, "scope": config.scope},
        "Token request (password grant)", PASSWORD))


def refresh(config: Config, token_url: str, token: Token) -> Step[Token]:
    new = yield from request_token(
        config, token_url, "refresh_token", {"refresh_token": token.refresh_token},
        "Token refresh (refresh_token grant)", token.grant or REFRESH)
    return token.merged(replace(new, grant=token.grant or REFRESH))


def non_interactive(config: Config, token_url: str) -> Step[Token]:
    if config.grant == CLIENT_CREDENTIALS:
        return (yield from client_credentials(config, token_url))
    if config.grant == PASSWORD:
        return (yield from password(config, token_url))
    raise AuthError(f"The {config.grant_name} grant needs a person: press Get new token.")


def code_exchange(config: Config, token_url: str, code: str, redirect_uri: str,
                  verifier: str | None) -> Step[Token]:
    params = {"code": code, "redirect_uri": redirect_uri}
    if verifier:
        params["code_verifier"] = verifier
    return (yield from request_token(
        config, token_url, "authorization_code", params,
        "Token request (authorization code grant)", config.grant))


# -- device authorization (RFC 8628) -------------------------------------------------

@dataclass(frozen=True)
class DeviceAuthorization:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float


def device_authorization(config: Config, url: str) -> Step[DeviceAuthorization]:
    step = "Device authorization request"
    params = [(k, v) for k, v in (("scope", config.scope), ("audience", config.audience),
                                  ("resource", config.resource)) if v]
    params += list(config.extra_auth_params)
    response = yield authenticated_post(config, url, deferred.authlib_urls.url_encode(params), step)
    data = answer(response, step)
    try:
        return DeviceAuthorization(
            device_code=str(data["device_code"]),
            user_code=str(data["user_code"]),
            verification_uri=str(data.get("verification_uri") or data["verification_url"]),
            verification_uri_complete=data.get("verification_uri_complete") or None,
            expires_in=float(data.get("expires_in") or 1800),
            interval=float(data.get("interval") or 5),  # RFC 8628 3.2: default 5 s
        )
    except (KeyError, TypeError, ValueError):
        raise AuthError(f"{step} failed: {url} answered without device_code, user_code "
                        "and verification_uri.") from None


def device_poll(config: Config, token_url: str, device_code: str) -> httpx.Request:
    return token_request(config, token_url, DEVICE_GRANT_TYPE, {"device_code": device_code},
                         "Device code polling (token request)")


def error_code(response: httpx.Response) -> str | None:
    data = _json(response)
    return str(data["error"]) if isinstance(data, dict) and data.get("error") else None
