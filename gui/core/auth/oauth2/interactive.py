"""Getting a token on request ("Get new token", "Refresh"): the grants that need a person
(browser + loopback listener, device code) and the others, sent with a short-lived
httpx client that has timeouts on everything. Runs in a worker thread, never in the
GUI thread; `Interaction.cancelled()` is polled while waiting.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import httpx

from .... import __version__
from ... import deferred
from ..base import AuthError, Interaction
from . import protocol
from .config import DEVICE, IMPLICIT, NON_INTERACTIVE, PKCE, REFRESH, Config
from .loopback import BROWSER_TIMEOUT, Listener
from .protocol import Step, T, step_of
from .tokens import Token, jwt_claims, token_from_response

HTTP_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
#: RFC 8628 3.5: after `slow_down`, poll this much less often, for good.
SLOW_DOWN_STEP = 5.0

Cancelled = Callable[[], bool]


def _never() -> bool:
    return False


def http_client() -> httpx.Client:
    return httpx.Client(timeout=HTTP_TIMEOUT, follow_redirects=False,
                        headers={"User-Agent": f"Gatepost/{__version__}"})


def send(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """Send one protocol request; AuthError naming the step when the network fails."""
    where = request.url.copy_with(query=None)
    try:
        return client.send(request)
    except httpx.TimeoutException:
        raise AuthError(f"{step_of(request)} failed: {where} did not answer in time.") from None
    except httpx.HTTPError as exc:
        detail = str(exc) or type(exc).__name__
        raise AuthError(f"{step_of(request)} failed: could not reach {where} ({detail}).") \
            from None


def drive(step: Step[T], client: httpx.Client, cancelled: Cancelled = _never) -> T:
    """Run a protocol step to its end, sending each request it yields."""
    try:
        request = next(step)
        while True:
            if cancelled():
                raise AuthError(f"{step_of(request)} was cancelled.")
            request = step.send(send(client, request))
    except StopIteration as stop:
        return stop.value
    finally:
        step.close()


def _sleep(seconds: float, cancelled: Cancelled, what: str) -> None:
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if cancelled():
            raise AuthError(f"{what} was cancelled.")
        time.sleep(min(0.1, left))


def get_token(config: Config, interaction: Interaction | None,
              saved: Token | None = None) -> Token:
    """A new token by the configured grant (the refresh grant uses `saved`)."""
    cancelled = interaction.cancelled if interaction is not None else _never
    with http_client() as client:
        if config.grant in NON_INTERACTIVE:
            ends = drive(protocol.endpoints(config, "token", fresh=True), client, cancelled)
            return drive(protocol.non_interactive(config, ends.token), client, cancelled)
        if config.grant == REFRESH:
            return refresh(config, saved, client, cancelled)
        if interaction is None:
            raise AuthError(f"The {config.grant_name} grant needs a person at a browser.")
        if config.grant == DEVICE:
            return device_code(config, interaction, client)
        return authorize(config, interaction, client)


def refresh(config: Config, saved: Token | None, client: httpx.Client | None = None,
            cancelled: Cancelled = _never) -> Token:
    """The saved token refreshed; a non-interactive grant is run again instead when there
    is no refresh token."""
    if client is None:
        with http_client() as own:
            return refresh(config, saved, own, cancelled)
    ends = drive(protocol.endpoints(config, "token"), client, cancelled)
    if saved is not None and saved.refresh_token:
        return drive(protocol.refresh(config, ends.token, saved), client, cancelled)
    if config.grant in NON_INTERACTIVE:
        return drive(protocol.non_interactive(config, ends.token), client, cancelled)
    if saved is None and config.grant == REFRESH:
        raise AuthError("There is no saved token to refresh: get one with another grant "
                        "first (the refresh_token grant only refreshes it).")
    if saved is None:
        raise AuthError("There is no token to refresh: press Get new token.")
    raise AuthError("The provider gave no refresh token with this token: press Get new token.")


# -- authorization code (with or without PKCE) and implicit -------------------------

def authorize(config: Config, interaction: Interaction, client: httpx.Client) -> Token:
    implicit = config.grant == IMPLICIT
    need = ("authorization",) if implicit else ("authorization", "token")
    ends = drive(protocol.endpoints(config, *need, fresh=True), client, interaction.cancelled)
    state = secrets.token_urlsafe(32)
    openid = "openid" in config.scope.split()
    extra: dict[str, str] = {}
    verifier = None
    if config.grant == PKCE:
        verifier = secrets.token_urlsafe(64)  # 86 characters, RFC 7636 4.1 allows 43–128
        extra.update(code_challenge=deferred.rfc7636.create_s256_code_challenge(verifier),
                     code_challenge_method="S256")
    nonce = secrets.token_urlsafe(24) if openid or implicit else None
    if nonce:
        extra["nonce"] = nonce
    extra.update({k: v for k, v in (("audience", config.audience),
                                    ("resource", config.resource)) if v})
    # Implicit with OpenID Connect is "id_token token"; plain OAuth 2.0 is "token".
    response_type = ("id_token token" if openid else "token") if implicit else "code"
    with Listener(config.redirect_port, state, fragment=implicit) as listener:
        url = deferred.oauth2_parameters.prepare_grant_uri(
            ends.authorization, config.client_id, response_type, listener.redirect_uri,
            config.scope or None, state, **extra)
        if config.extra_auth_params:
            url = deferred.authlib_urls.add_params_to_uri(url, list(config.extra_auth_params))
        _preflight(client, url, listener.redirect_uri)
        interaction.open_browser(url)
        params = listener.wait(interaction.cancelled, BROWSER_TIMEOUT)
        redirect_uri = listener.redirect_uri
    step = "Sign-in in the browser (authorization request)"
    if params.get("error"):
        raise AuthError(f"{step} failed: the provider answered "
                        f"{protocol.provider_error(params)}.")
    if not secrets.compare_digest(params.get("state", ""), state):
        raise AuthError(f"{step} failed: the redirect came back with a state that does not "
                        "match the one sent, so it was refused (a stale or forged redirect).")
    iss = params.get("iss")
    if iss and ends.issuer and iss.rstrip("/") != ends.issuer.rstrip("/"):
        raise AuthError(f"{step} failed: the answer came from the issuer {iss!r}, not "
                        f"{ends.issuer!r} (RFC 9207).")
    if implicit:
        token = token_from_response(params, grant=config.grant, provider=config.provider,
                                    client_id=config.client_id, requested_scope=config.scope)
        if token is None:
            raise AuthError(f"{step} failed: the redirect carried no access_token.")
    else:
        code = params.get("code")
        if not code:
            raise AuthError(f"{step} failed: the redirect carried no code.")
        token = drive(protocol.code_exchange(config, ends.token, code, redirect_uri, verifier),
                      client, interaction.cancelled)
    claims = jwt_claims(token.id_token) if token.id_token else None
    if nonce and claims is not None and claims.get("nonce") != nonce:
        raise AuthError("The ID token's nonce is not the one sent with the authorization "
                        "request, so the token was refused.")
    return token


def _preflight(client: httpx.Client, url: str, redirect_uri: str) -> None:
    """Ask the authorization endpoint once without a browser session. A provider refuses
    a wrong client or redirect URI at once, on its own error page that never reaches the
    listener: report it here instead of waiting for a browser that cannot come back."""
    step = "Authorization request"
    response = send(client, protocol.request("GET", url, step))
    where = response.request.url.copy_with(query=None)
    if response.is_redirect:
        location = response.headers.get("location", "")
        if location.startswith(redirect_uri):
            parts = urlsplit(location)
            params = dict(parse_qsl(parts.query or parts.fragment, keep_blank_values=True))
            if params.get("error"):
                raise AuthError(f"{step} failed: the provider answered "
                                f"{protocol.provider_error(params)}.")
        return
    if response.status_code >= 400:
        try:
            detail = protocol.provider_error(response.json())
        except ValueError:
            detail = None
        detail = detail or protocol._page_text(response.text)
        raise AuthError(f"{step} failed: {where} answered HTTP {response.status_code} before "
                        f"sign-in: {detail}. Check the client ID, and that {redirect_uri} "
                        "is a registered redirect URI (fix the redirect port if the provider "
                        "needs an exact one).")


# -- device authorization grant (RFC 8628) -------------------------------------------

_DEVICE_HINTS = {
    "expired_token": " The code was not approved in time: press Get new token for a new one.",
    "access_denied": " The sign-in was refused in the browser.",
}


def device_code(config: Config, interaction: Interaction, client: httpx.Client) -> Token:
    cancelled = interaction.cancelled
    ends = drive(protocol.endpoints(config, "device_authorization", "token", fresh=True),
                 client, cancelled)
    grant = drive(protocol.device_authorization(config, ends.device_authorization), client,
                  cancelled)
    interaction.show_device_code(grant.user_code, grant.verification_uri,
                                 grant.verification_uri_complete)
    interval = max(grant.interval, 1.0)
    give_up = time.monotonic() + grant.expires_in + 30.0
    step = "Device code polling"
    while True:
        _sleep(interval, cancelled, "Waiting for the device code to be approved")
        response = send(client, protocol.device_poll(config, ends.token, grant.device_code))
        error = protocol.error_code(response)
        if error == "authorization_pending":
            pass
        elif error == "slow_down":
            interval += SLOW_DOWN_STEP
        elif error is None and response.is_success:
            data = protocol.answer(response, step)
            token = token_from_response(data, grant=config.grant, provider=config.provider,
                                        client_id=config.client_id,
                                        requested_scope=config.scope)
            if token is None:
                raise AuthError(f"{step} failed: the token endpoint answered without an "
                                "access_token.")
            return token
        else:
            try:
                protocol.answer(response, step)
            except AuthError as exc:
                raise AuthError(f"{exc}{_DEVICE_HINTS.get(error or '', '')}") from None
            raise AuthError(f"{step} failed: unexpected answer HTTP {response.status_code}.")
        if time.monotonic() > give_up:
            raise AuthError(f"{step} failed: the code expired after {grant.expires_in:.0f} s "
                            "without being approved. Press Get new token for a new one.")

