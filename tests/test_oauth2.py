"""OAuth 2.0 / OpenID Connect against a real OpenID provider (npm oidc-provider on
127.0.0.1, tests/oidc/provider.mjs, started by tests/oidc_fixture.py).

The browser is scripted: `Browser` follows the provider's own login and consent pages
(and the device pages) with httpx, as a person would. The loopback listener, PKCE, state
and nonce checks, discovery and token requests are the real ones.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import httpx
import pytest

from gui.core.auth.base import AuthContext, AuthError
from gui.core.auth.oauth2 import interactive, protocol
from gui.core.auth.oauth2.config import Config
from gui.core.auth.oauth2.flow import OAuth2Auth
from gui.core.auth.oauth2.loopback import Listener
from gui.core.auth.oauth2.scheme import OAuth2Scheme
from gui.core.auth.oauth2.tokens import Token, TokenStore, jwt_claims
from gui.core.http.engine import Engine
from gui.core.model import RequestSpec
from gui.core.storage.keychain import SERVICE, SecretStore, secret_key
from tests.fakes import MemoryKeyring
from tests.servers import free_port, silent_server

pytestmark = pytest.mark.timeout(90)

SCHEME = OAuth2Scheme()
WAIT = 30.0  # generous: a loaded 2-core box


# -- a scripted browser -------------------------------------------------------------

class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"id": a.get("id", ""), "action": a.get("action", ""),
                               "method": a.get("method", "get").lower(), "inputs": {}})
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _parse(page: str) -> _Forms:
    parser = _Forms()
    parser.feed(page)
    return parser


_browsers: list[Browser] = []


@pytest.fixture(autouse=True)
def _close_browsers():
    yield
    while _browsers:
        _browsers.pop().close()


class Browser:
    """Follows the provider's pages: signs in as `login`, then consents or refuses."""

    def __init__(self, login: str = "alice", *, deny: bool = False,
                 forge_state: bool = False) -> None:
        self.login, self.deny, self.forge_state = login, deny, forge_state
        self.client = httpx.Client(timeout=WAIT, follow_redirects=False)
        _browsers.append(self)
        self.pages: list[str] = []
        self.final: httpx.Response | None = None

    def close(self) -> None:
        self.client.close()

    def authorize(self, url: str) -> httpx.Response:
        """From the authorization URL to the loopback listener's answer."""
        callback = dict(parse_qsl(urlsplit(url).query))["redirect_uri"]
        return self._walk(self.client.get(url), callback)

    def device(self, complete_uri: str) -> httpx.Response:
        """Opens the device verification URI (with the user code), confirms or aborts,
        signs in and consents."""
        return self._walk(self.client.get(complete_uri), None)

    def _walk(self, response: httpx.Response, callback: str | None) -> httpx.Response:
        for _ in range(25):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if callback and location.startswith(callback):
                    location = self._at_callback(location)
                response = self.client.get(location)
                continue
            page = response.text
            self.pages.append(page)
            if callback and str(response.url).startswith(callback):
                if "location.hash" in page:  # the implicit grant's relay page: its script
                    fragment = urlsplit(str(response.url)).fragment
                    response = self.client.get(callback + "?" + fragment)
                    continue
                self.final = response
                return response
            parsed = _parse(page)
            form = parsed.forms[0] if parsed.forms else None
            # The device code input form comes back only at the end (after an abort): this
            # browser always arrives with the code in the URI.
            if form is None or form["id"] == "op.deviceInputForm":
                self.final = response
                return response  # an end page: device success, an error page
            data = dict(form["inputs"])
            action = urljoin(str(response.url), form["action"])
            if data.get("prompt") == "login":
                data.update(login=self.login, password="any")
            elif data.get("prompt") == "consent" and self.deny:
                abort = next(link for link in parsed.links if link.endswith("/abort"))
                response = self.client.get(urljoin(str(response.url), abort))
                continue
            elif form["id"] == "op.deviceConfirmForm" and self.deny:
                data["abort"] = "yes"
            response = self.client.post(action, data=data)
        raise AssertionError(f"the browser got lost; last page:\n{response.text[:2000]}")

    def _at_callback(self, location: str) -> str:
        # httpx keeps the fragment in the URL it is given; a browser keeps it too.
        if not self.forge_state:
            return location
        parts = urlsplit(location)
        query = [(k, "forged" if k == "state" else v) for k, v in parse_qsl(parts.query)]
        return urlunsplit(parts._replace(query="&".join(f"{k}={v}" for k, v in query)))


class FakeInteraction:
    """The window's Interaction, scripted: `open_browser` runs a `Browser` in a thread,
    `show_device_code` runs `device` (a callable) in a thread."""

    def __init__(self, browser: Browser | None = None, device=None) -> None:
        self.browser = browser
        self.device = device
        self.opened: list[str] = []
        self.codes: list[tuple[str, str, str | None]] = []
        self.cancel = threading.Event()
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []

    def _run(self, target, *args) -> None:
        def body() -> None:
            try:
                target(*args)
            except BaseException as exc:  # noqa: BLE001 - reported by join()
                self.errors.append(exc)

        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        self.threads.append(thread)

    def open_browser(self, url: str) -> None:
        self.opened.append(url)
        if self.browser is not None:
            self._run(self.browser.authorize, url)

    def show_device_code(self, user_code: str, verification_uri: str,
                         complete_uri: str | None) -> None:
        self.codes.append((user_code, verification_uri, complete_uri))
        if self.device is not None:
            self._run(self.device, user_code, verification_uri, complete_uri)

    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(WAIT)
        if self.errors:
            raise self.errors[0]


# -- helpers ---------------------------------------------------------------------------

@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


def context(keyring: MemoryKeyring, interaction=None, place: str = "requests/one") -> AuthContext:
    return AuthContext(SecretStore(keyring), "c0ffee", place, interaction)


def values(provider, client_id: str, grant: str, **more) -> dict:
    """Field values for a test client. Browser and device grants ask for `openid`: the
    provider refuses (access_denied) an authorization that grants no scope at all."""
    scope = "openid" if grant not in ("client_credentials", "password") else ""
    return {"grant": grant, "issuer": provider.issuer, "client_id": client_id,
            "scope": scope, **more}


def get_token(vals: dict, ctx: AuthContext) -> Token:
    message = SCHEME.run_action("get_token", vals, ctx)
    assert message.startswith("Got a new token")
    if isinstance(ctx.interaction, FakeInteraction):
        ctx.interaction.join()
    token = TokenStore(ctx).load()
    assert token is not None
    return token


def resource(provider, token: str) -> httpx.Response:
    return httpx.get(provider.resource, headers={"Authorization": f"Bearer {token}"},
                     timeout=WAIT)


def wait_until_server_expired(provider, token: Token) -> None:
    """Polls the protected resource until the provider says the token is no longer
    valid (the short-lived clients' tokens live 2 s)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if resource(provider, token.access_token).status_code == 401:
            return
        time.sleep(0.2)
    raise AssertionError("the access token did not expire")


def send(url: str, auth: httpx.Auth):
    with Engine() as engine:
        return engine.send(RequestSpec(method="GET", url=url), auth=auth)


def hops(exchange) -> list[tuple[str, str, int | None]]:
    return [(h.kind.value, h.request.url.split("?")[0],
             h.response.status if h.response else None) for h in exchange.hops]


def port_is_free(port: int) -> bool:
    """Nothing listens on the port: a new listener (with SO_REUSEADDR, as the redirect
    listener and every server use, since closed connections linger in TIME_WAIT) can
    take it."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
    return True


# -- discovery -------------------------------------------------------------------------

def test_discovery_fills_the_endpoints(oidc_provider):
    protocol.forget_discovery()
    config = Config.from_values(values(oidc_provider, "pkce", "authorization_code_pkce"))
    with interactive.http_client() as client:
        ends = interactive.drive(protocol.endpoints(config, "authorization", "token",
                                                    "device_authorization"), client)
    assert ends.issuer == oidc_provider.issuer
    assert ends.authorization == oidc_provider.url("/auth")
    assert ends.token == oidc_provider.url("/token")
    assert ends.device_authorization == oidc_provider.url("/device/auth")


def test_fields_win_over_discovery(oidc_provider):
    protocol.forget_discovery()
    config = Config.from_values(values(oidc_provider, "service", "client_credentials",
                                       token_url="http://127.0.0.1:1/token"))
    with interactive.http_client() as client:
        ends = interactive.drive(protocol.endpoints(config, "token", "authorization"), client)
    assert ends.token == "http://127.0.0.1:1/token"
    assert ends.authorization == oidc_provider.url("/auth")


def test_discovery_of_a_wrong_issuer_names_the_step(oidc_provider):
    wrong = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    config = Config.from_values({"grant": "client_credentials", "issuer": wrong,
                                 "client_id": "service", "client_secret": "x"})
    with interactive.http_client() as client, pytest.raises(AuthError) as err:
        interactive.drive(protocol.endpoints(config, "token", fresh=True), client)
    assert "OpenID discovery failed" in str(err.value)
    assert "names the issuer" in str(err.value)


# -- grants ----------------------------------------------------------------------------

def test_authorization_code_with_pkce(oidc_provider, keyring):
    browser = Browser("alice")
    port = free_port()
    ctx = context(keyring, FakeInteraction(browser))
    vals = values(oidc_provider, "pkce", "authorization_code_pkce", scope="openid",
                  redirect_port=str(port))
    token = get_token(vals, ctx)
    browser.close()
    url = ctx.interaction.opened[0]
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == f"http://127.0.0.1:{port}/callback"
    assert len(query["state"]) >= 32
    assert "close this tab" in browser.final.text
    assert port_is_free(port), "the listener must release its port"
    assert token.refresh_token and token.id_token
    assert jwt_claims(token.id_token)["sub"] == "alice"
    assert resource(oidc_provider, token.access_token).json()["sub"] == "alice"
    # Tokens are in the keychain, under the collection and place, never in a file.
    keys = {user for service, user in keyring.items if service == SERVICE}
    assert keys == {secret_key("c0ffee", "requests/one", f"token/{p}")
                    for p in ("access", "refresh", "id", "meta")}
    state = SCHEME.state(vals, ctx)
    assert "ID token claims (not verified):" in state
    assert '"sub": "alice"' in state
    assert "Expires in" in state


def test_pkce_is_really_checked(oidc_provider, monkeypatch):
    """The provider refuses the code without the verifier PKCE sent a challenge for."""
    config = Config.from_values(values(oidc_provider, "pkce", "authorization_code_pkce"))
    interaction = FakeInteraction(Browser())
    original = protocol.code_exchange

    def without_verifier(config, url, code, redirect_uri, verifier):
        assert verifier  # the real one was made
        return original(config, url, code, redirect_uri, None)

    monkeypatch.setattr(protocol, "code_exchange", without_verifier)
    with interactive.http_client() as client, pytest.raises(AuthError) as err:
        interactive.authorize(config, interaction, client)
    interaction.join()
    assert "Token request (authorization code grant) failed" in str(err.value)
    assert "invalid_grant" in str(err.value)


@pytest.mark.parametrize(("client_id", "secret", "method"), [
    ("confidential", "confidential-secret", "client_secret_basic"),
    ("confidential-post", "post-secret", "client_secret_post"),
])
def test_authorization_code_confidential_client(oidc_provider, keyring, client_id, secret,
                                                method):
    browser = Browser("carol")
    ctx = context(keyring, FakeInteraction(browser))
    vals = values(oidc_provider, client_id, "authorization_code", client_secret=secret,
                  client_auth=method, scope="openid",
                  extra_auth_params="login_hint=carol&ui_locales=en")
    token = get_token(vals, ctx)
    browser.close()
    query = dict(parse_qsl(urlsplit(ctx.interaction.opened[0]).query))
    assert "code_challenge" not in query
    assert query["login_hint"] == "carol"
    assert resource(oidc_provider, token.access_token).json()["sub"] == "carol"


@pytest.mark.parametrize(("client_id", "secret", "method"), [
    ("service", "service-secret:with/odd&chars", "client_secret_basic"),
    ("service-post", "service-post-secret", "client_secret_post"),
])
def test_client_credentials(oidc_provider, keyring, client_id, secret, method):
    ctx = context(keyring)
    vals = values(oidc_provider, client_id, "client_credentials", client_secret=secret,
                  client_auth=method)
    token = get_token(vals, ctx)
    assert token.refresh_token == ""
    answer = resource(oidc_provider, token.access_token).json()
    assert answer["client_id"] == client_id
    assert answer["sub"] is None


def test_resource_indicator_gives_a_jwt_whose_claims_are_shown_unverified(oidc_provider,
                                                                          keyring):
    ctx = context(keyring)
    api = oidc_provider.url("/api")
    vals = values(oidc_provider, "service", "client_credentials",
                  client_secret="service-secret:with/odd&chars", resource=api,
                  scope="api:read")
    token = get_token(vals, ctx)
    claims = jwt_claims(token.access_token)
    assert claims["aud"] == api
    assert claims["scope"] == "api:read"
    state = SCHEME.state(vals, ctx)
    assert "Access token claims (not verified):" in state
    assert json.dumps(api) in state


def test_password_grant_legacy(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "legacy-short", "password", client_secret="legacy-secret",
                  username="bob", password="bob-password")
    assert any("deprecated" in n for n in SCHEME.notes(vals))
    token = get_token(vals, ctx)
    assert resource(oidc_provider, token.access_token).json()["sub"] == "bob"
    with pytest.raises(AuthError, match="invalid_grant"):
        SCHEME.run_action("get_token", {**vals, "password": "wrong"}, ctx)


def test_implicit_grant_legacy(oidc_provider, keyring):
    browser = Browser("dora")
    ctx = context(keyring, FakeInteraction(browser))
    vals = values(oidc_provider, "implicit", "implicit", scope="openid")
    token = get_token(vals, ctx)
    browser.close()
    query = dict(parse_qsl(urlsplit(ctx.interaction.opened[0]).query))
    assert query["response_type"] == "id_token token"
    assert query["nonce"]
    assert jwt_claims(token.id_token)["sub"] == "dora"
    assert resource(oidc_provider, token.access_token).json()["sub"] == "dora"


def _device_user(provider, client_id: str, *, deny: bool = False, approve: bool = True):
    """A person who opens the verification URI once Gatepost has polled at least once
    (so `authorization_pending` is really seen), then approves or refuses."""
    def act(user_code: str, uri: str, complete: str | None) -> None:
        if not approve:
            return
        polls = provider.url(f"/api/device-polls?client_id={client_id}")
        seen = httpx.get(polls, timeout=WAIT).json()["count"]
        deadline = time.monotonic() + WAIT
        while httpx.get(polls, timeout=WAIT).json()["count"] <= seen:
            assert time.monotonic() < deadline, "Gatepost never polled"
            time.sleep(0.05)
        browser = Browser("erin", deny=deny)
        try:
            page = browser.device(complete or uri).text
        finally:
            browser.close()
        assert ("interrupted" if deny else "Sign-in Success") in page, page
    return act


def test_device_code(oidc_provider, keyring):
    interaction = FakeInteraction(device=_device_user(oidc_provider, "device"))
    ctx = context(keyring, interaction)
    vals = values(oidc_provider, "device", "device_code", scope="openid")
    token = get_token(vals, ctx)
    user_code, uri, complete = interaction.codes[0]
    assert uri == oidc_provider.url("/device") and user_code in complete
    assert resource(oidc_provider, token.access_token).json()["sub"] == "erin"
    assert token.refresh_token


def test_device_code_honours_slow_down(oidc_provider, keyring):
    interaction = FakeInteraction(device=_device_user(oidc_provider, "device-slow"))
    ctx = context(keyring, interaction)
    started = time.monotonic()
    get_token(values(oidc_provider, "device-slow", "device_code"), ctx)
    # interval 1 s; slow_down on the first poll adds 5 s (RFC 8628 3.5) before the next.
    assert time.monotonic() - started >= 1 + interactive.SLOW_DOWN_STEP


def test_device_code_denied(oidc_provider, keyring):
    interaction = FakeInteraction(device=_device_user(oidc_provider, "device", deny=True))
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", values(oidc_provider, "device", "device_code"),
                          context(keyring, interaction))
    interaction.join()
    assert "Device code polling failed" in str(err.value)
    assert "access_denied" in str(err.value)


def test_device_code_expired(oidc_provider, keyring):
    interaction = FakeInteraction(device=_device_user(oidc_provider, "device-expiring",
                                                      approve=False))
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", values(oidc_provider, "device-expiring",
                                              "device_code"), context(keyring, interaction))
    assert "Device code polling failed" in str(err.value)
    assert "expired_token" in str(err.value)
    assert "not approved in time" in str(err.value)


def test_refresh_action_and_refresh_grant(oidc_provider, keyring):
    browser = Browser("frank")
    ctx = context(keyring, FakeInteraction(browser))
    vals = values(oidc_provider, "pkce", "authorization_code_pkce", scope="openid")
    first = get_token(vals, ctx)
    browser.close()
    assert SCHEME.run_action("refresh", vals, ctx).startswith("Got a new token")
    second = TokenStore(ctx).load()
    assert second.access_token != first.access_token
    assert second.id_token  # kept or renewed
    # The refresh_token grant: only refreshes the saved token, no browser.
    refresh_vals = {**vals, "grant": "refresh_token"}
    SCHEME.run_action("get_token", refresh_vals, context(keyring))
    third = TokenStore(ctx).load()
    assert third.access_token != second.access_token
    assert resource(oidc_provider, third.access_token).json()["sub"] == "frank"
    assert SCHEME.run_action("clear", vals, ctx)
    assert TokenStore(ctx).load() is None
    assert keyring.items == {}
    assert "No token yet" in SCHEME.state(vals, ctx)


# -- the auth flow: attach, refresh once, retry once -----------------------------------

def test_no_token_with_an_interactive_grant_says_press_get_new_token(oidc_provider, keyring):
    vals = values(oidc_provider, "pkce", "authorization_code_pkce")
    with pytest.raises(AuthError, match="press Get new token"):
        SCHEME.build(vals, context(keyring))
    with pytest.raises(AuthError, match="press Get new token"):
        SCHEME.build(vals)


def test_token_for_another_client_is_not_used(oidc_provider, keyring):
    ctx = context(keyring)
    get_token(values(oidc_provider, "service-post", "client_credentials",
                     client_secret="service-post-secret", client_auth="client_secret_post"),
              ctx)
    other = values(oidc_provider, "pkce", "authorization_code_pkce")
    assert "another provider or client" in SCHEME.state(other, ctx)
    with pytest.raises(AuthError, match="press Get new token"):
        SCHEME.build(other, ctx)


def test_non_interactive_grant_gets_its_token_in_the_flow(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "service-post", "client_credentials",
                  client_secret="service-post-secret", client_auth="client_secret_post")
    auth = SCHEME.build(vals, ctx)
    exchange = send(oidc_provider.resource, auth)
    assert exchange.error is None, exchange.error
    assert [h[1:] for h in hops(exchange)] == [(oidc_provider.token_url, 200),
                                               (oidc_provider.resource, 200)]
    SCHEME.after_send(auth, ctx)
    saved = TokenStore(ctx).load()
    assert saved is not None and saved.access_token in auth.secrets
    assert "service-post-secret" in auth.secrets
    # The next send uses the saved token: one hop.
    again = send(oidc_provider.resource, SCHEME.build(vals, ctx))
    assert [h[1:] for h in hops(again)] == [(oidc_provider.resource, 200)]


def test_expired_token_is_refreshed_before_sending(oidc_provider, keyring):
    browser = Browser("gina")
    ctx = context(keyring, FakeInteraction(browser))
    vals = values(oidc_provider, "pkce-short", "authorization_code_pkce")
    token = get_token(vals, ctx)
    browser.close()
    wait_until_server_expired(oidc_provider, token)
    assert token.expired()
    auth = SCHEME.build(vals, ctx)
    exchange = send(oidc_provider.resource, auth)
    assert exchange.error is None, exchange.error
    assert [h[1:] for h in hops(exchange)] == [(oidc_provider.token_url, 200),
                                               (oidc_provider.resource, 200)]
    assert json.loads(exchange.hops[-1].response.body)["sub"] == "gina"
    SCHEME.after_send(auth, ctx)
    saved = TokenStore(ctx).load()
    assert saved.access_token != token.access_token
    assert saved.refresh_token
    for secret in (token.access_token, token.refresh_token, saved.access_token,
                   saved.refresh_token):
        assert secret in auth.secrets


def _forget_expiry(ctx: AuthContext) -> Token:
    """As if the provider had not said when the token expires."""
    store = TokenStore(ctx)
    token = store.load()
    store.save(dataclasses.replace(token, expires_at=None))
    return token


def test_401_invalid_token_refreshes_once_and_retries(oidc_provider, keyring):
    browser = Browser("hank")
    ctx = context(keyring, FakeInteraction(browser))
    vals = values(oidc_provider, "pkce-short", "authorization_code_pkce")
    token = get_token(vals, ctx)
    browser.close()
    _forget_expiry(ctx)
    wait_until_server_expired(oidc_provider, token)
    auth = SCHEME.build(vals, ctx)
    exchange = send(oidc_provider.resource, auth)
    assert exchange.error is None, exchange.error
    assert [h[1:] for h in hops(exchange)] == [(oidc_provider.resource, 401),
                                               (oidc_provider.token_url, 200),
                                               (oidc_provider.resource, 200)]
    assert hops(exchange)[0][0] == "request"
    assert 'error="invalid_token"' in dict(exchange.hops[0].response.headers)[
        "www-authenticate"]
    SCHEME.after_send(auth, ctx)
    assert TokenStore(ctx).load().access_token != token.access_token


def test_401_invalid_token_reruns_client_credentials_with_token_in_query(oidc_provider,
                                                                         keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "service-short", "client_credentials",
                  client_secret="service-short-secret", token_placement="query")
    token = get_token(vals, ctx)
    _forget_expiry(ctx)
    wait_until_server_expired(oidc_provider, token)
    auth = SCHEME.build(vals, ctx)
    exchange = send(oidc_provider.resource, auth)
    assert exchange.error is None, exchange.error
    assert [h[1:] for h in hops(exchange)] == [(oidc_provider.resource, 401),
                                               (oidc_provider.token_url, 200),
                                               (oidc_provider.resource, 200)]
    # The query parameter is replaced, not added.
    assert exchange.hops[-1].request.url.count("access_token=") == 1
    assert exchange.hops[0].request.url.count("access_token=") == 1


def test_password_grant_is_rerun_when_the_token_expires(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "legacy-short", "password", client_secret="legacy-secret",
                  username="bob", password="bob-password")
    token = get_token(vals, ctx)
    wait_until_server_expired(oidc_provider, token)
    auth = SCHEME.build(vals, ctx)
    exchange = send(oidc_provider.resource, auth)
    assert [h[1:] for h in hops(exchange)] == [(oidc_provider.token_url, 200),
                                               (oidc_provider.resource, 200)]
    assert "bob-password" in auth.secrets


def test_a_second_invalid_token_is_not_retried_again(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "service-post", "client_credentials",
                  client_secret="service-post-secret", client_auth="client_secret_post")
    get_token(vals, ctx)
    exchange = send(oidc_provider.url("/api/always-invalid"), SCHEME.build(vals, ctx))
    assert exchange.error is None
    assert [h[2] for h in hops(exchange)] == [401, 200, 401]


def test_refresh_in_the_flow_with_a_wrong_secret_is_an_auth_error(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "service", "client_credentials", client_secret="wrong")
    exchange = send(oidc_provider.resource, SCHEME.build(vals, ctx))
    assert exchange.error is not None and exchange.error.kind == "auth"
    assert "Token request (client credentials grant) failed" in exchange.error.message
    assert "invalid_client" in exchange.error.message
    assert [h[1:] for h in hops(exchange)] == [(oidc_provider.token_url, 401)]


def test_token_requests_are_auth_hops(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "service-short", "client_credentials",
                  client_secret="service-short-secret")
    first = send(oidc_provider.resource, SCHEME.build(vals, ctx))
    kinds = [h[0] for h in hops(first)]  # discovery (unless cached), token, request
    assert kinds[-1] == "request" and set(kinds[:-1]) == {"auth"}
    token = get_token(vals, ctx)
    _forget_expiry(ctx)
    wait_until_server_expired(oidc_provider, token)
    second = send(oidc_provider.resource, SCHEME.build(vals, ctx))
    assert [h[0] for h in hops(second)] == ["request", "auth", "challenge"]


def test_tokens_obtained_during_a_send_are_masked_in_the_record(oidc_provider, keyring):
    ctx = context(keyring)
    vals = values(oidc_provider, "service-short", "client_credentials",
                  client_secret="service-short-secret", token_placement="query")
    token = get_token(vals, ctx)
    _forget_expiry(ctx)
    wait_until_server_expired(oidc_provider, token)
    auth = SCHEME.build(vals, ctx)
    exchange = send(oidc_provider.resource, auth)
    assert len(exchange.hops) == 3
    record = "\n".join(
        f"{h.request.url} {h.request.headers} {h.response.headers} "
        f"{h.response.body.decode(errors='replace')}" for h in exchange.hops)
    for secret in auth.secrets:
        assert secret not in record


def test_invalid_token_detection():
    def response(value: str) -> httpx.Response:
        return httpx.Response(401, headers={"WWW-Authenticate": value})

    from gui.core.auth.oauth2.flow import invalid_token

    assert invalid_token(response('Bearer error="invalid_token"'))
    assert invalid_token(response('Bearer realm="x", error=invalid_token'))
    assert not invalid_token(response('Bearer realm="x"'))
    assert not invalid_token(response('Bearer error="insufficient_scope"'))
    assert not invalid_token(httpx.Response(403, headers={
        "WWW-Authenticate": 'Bearer error="invalid_token"'}))


def test_header_prefix_and_secrets_of_the_auth():
    config = Config.from_values({"grant": "client_credentials", "client_id": "c",
                                 "client_secret": "s3cret", "token_url": "http://x/t",
                                 "header_prefix": ""})
    token = Token("tok", refresh_token="ref", expires_at=time.time() + 600)
    auth = OAuth2Auth(config, token)
    request = httpx.Request("GET", "http://example.test/")
    flow = auth.sync_auth_flow(request)
    assert next(flow).headers["Authorization"] == "tok"
    assert set(auth.secrets) == {"s3cret", "tok", "ref"}


# -- bad input: each names its step and shows the provider's error ---------------------

def test_wrong_client_secret(oidc_provider, keyring):
    vals = values(oidc_provider, "service", "client_credentials", client_secret="nope")
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", vals, context(keyring))
    message = str(err.value)
    assert message.startswith("Token request (client credentials grant) failed")
    assert "invalid_client" in message and "client authentication failed" in message
    assert "nope" not in message


def test_wrong_redirect_uri(oidc_provider, keyring):
    port = free_port()
    interaction = FakeInteraction(Browser())
    vals = values(oidc_provider, "web", "authorization_code", client_secret="web-secret",
                  redirect_port=str(port))
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", vals, context(keyring, interaction))
    message = str(err.value)
    assert message.startswith("Authorization request failed")
    assert "invalid_redirect_uri" in message
    assert f"http://127.0.0.1:{port}/callback" in message
    assert interaction.opened == []  # no browser sent to a page that cannot come back
    assert port_is_free(port)


def test_denied_consent(oidc_provider, keyring):
    port = free_port()
    browser = Browser(deny=True)
    interaction = FakeInteraction(browser)
    vals = values(oidc_provider, "pkce", "authorization_code_pkce", redirect_port=str(port))
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", vals, context(keyring, interaction))
    interaction.join()
    browser.close()
    assert str(err.value).startswith("Sign-in in the browser (authorization request) failed")
    assert "access_denied: End-User aborted interaction" in str(err.value)
    assert "Sign-in failed" in browser.final.text
    assert port_is_free(port)


def test_state_mismatch(oidc_provider, keyring):
    port = free_port()
    browser = Browser(forge_state=True)
    interaction = FakeInteraction(browser)
    vals = values(oidc_provider, "pkce", "authorization_code_pkce", redirect_port=str(port))
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", vals, context(keyring, interaction))
    interaction.join()
    browser.close()
    assert "state that does not match" in str(err.value)
    assert "refused" in browser.final.text
    assert port_is_free(port)
    assert keyring.items == {}


def test_cancel_while_waiting_for_the_browser(oidc_provider, keyring):
    port = free_port()
    interaction = FakeInteraction()  # nobody signs in
    vals = values(oidc_provider, "pkce", "authorization_code_pkce", redirect_port=str(port))
    result: list[BaseException] = []

    def run() -> None:
        try:
            SCHEME.run_action("get_token", vals, context(keyring, interaction))
        except AuthError as exc:
            result.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not interaction.opened:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert not port_is_free(port)  # listening while the browser is out
    interaction.cancel.set()
    thread.join(WAIT)
    assert not thread.is_alive()
    assert "cancelled" in str(result[0])
    assert port_is_free(port)


def test_redirect_port_in_use(oidc_provider, keyring):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        vals = values(oidc_provider, "pkce", "authorization_code_pkce",
                      redirect_port=str(port))
        with pytest.raises(AuthError, match="could not listen"):
            SCHEME.run_action("get_token", vals, context(keyring, FakeInteraction()))


def test_unreachable_token_endpoint(keyring):
    url = f"http://127.0.0.1:{free_port()}/token"
    vals = {"grant": "client_credentials", "token_url": url, "client_id": "c",
            "client_secret": "s"}
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", vals, context(keyring))
    assert str(err.value).startswith("Token request (client credentials grant) failed")
    assert "could not reach" in str(err.value) and url in str(err.value)


def test_silent_token_endpoint_times_out(keyring, monkeypatch):
    monkeypatch.setattr(interactive, "HTTP_TIMEOUT", httpx.Timeout(0.5))
    with silent_server() as base:
        vals = {"grant": "client_credentials", "token_url": f"{base}/token",
                "client_id": "c", "client_secret": "s"}
        with pytest.raises(AuthError, match="did not answer in time"):
            SCHEME.run_action("get_token", vals, context(keyring))


def test_html_instead_of_json(oidc_provider, keyring):
    vals = {"grant": "client_credentials", "token_url": oidc_provider.url("/api/not-json"),
            "client_id": "service", "client_secret": "s"}
    with pytest.raises(AuthError) as err:
        SCHEME.run_action("get_token", vals, context(keyring))
    message = str(err.value)
    assert message.startswith("Token request (client credentials grant) failed")
    assert "text/html instead of JSON" in message
    assert "Welcome to the portal" in message


def test_check_names_what_is_missing():
    problems = SCHEME.check({"grant": "device_code", "redirect_port": "99999",
                             "extra_auth_params": "=x"})
    text = " ".join(problems)
    assert "Client ID is required." in text
    assert "Redirect port must be a number" in text
    problems = SCHEME.check({"grant": "password", "client_id": "c"})
    assert any("user name" in p for p in problems)
    assert any("token URL" in p for p in problems)
    assert SCHEME.check({"grant": "authorization_code_pkce", "client_id": "c",
                         "issuer": "https://id.example.com"}) == []


# -- the listener on its own -----------------------------------------------------------

def test_listener_relays_a_fragment_and_answers_404_elsewhere():
    with Listener(None, "st", fragment=True) as listener, httpx.Client(timeout=WAIT) as c:
        assert c.get(listener.redirect_uri.replace("/callback", "/other")).status_code == 404
        assert "location.hash" in c.get(listener.redirect_uri).text
        page = c.get(listener.redirect_uri + "?access_token=t&state=st").text
        assert "close this tab" in page
        assert listener.wait(timeout=WAIT) == {"access_token": "t", "state": "st"}
        assert "already finished" in c.get(listener.redirect_uri + "?x=1").text
        port = listener.port
    assert port_is_free(port)


def test_listener_gives_up_after_its_timeout():
    with Listener(None, "st") as listener, pytest.raises(AuthError, match="no answer"):
        listener.wait(timeout=0.3)


def test_refresh_grant_without_a_saved_token(keyring):
    vals = {"grant": "refresh_token", "client_id": "c",
            "token_url": f"http://127.0.0.1:{free_port()}/token"}
    with pytest.raises(AuthError, match="another grant first"):
        SCHEME.build(vals, context(keyring))
    with pytest.raises(AuthError, match="another grant first"):
        SCHEME.run_action("get_token", vals, context(keyring))


def test_cli_client_credentials_token_hops_are_auth_and_masked(oidc_provider, tmp_path):
    import json as _json
    import os
    import subprocess
    import sys

    env = dict(os.environ, CS="service-secret:with/odd&chars",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    result = subprocess.run(
        [sys.executable, "-m", "gui", "send", "--json", "--auth", "oauth2",
         "--auth-field", "grant=client_credentials",
         "--auth-field", f"issuer={oidc_provider.issuer}",
         "--auth-field", "client_id=service", "--auth-field", "client_secret=env:CS",
         oidc_provider.resource], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    doc = _json.loads(result.stdout)
    assert doc["hops"][-1]["response"]["status"] == 200
    assert {h["kind"] for h in doc["hops"][:-1]} <= {"auth"} and len(doc["hops"]) >= 2
    assert "service-secret" not in result.stdout + result.stderr
    bearer = dict(map(tuple, doc["hops"][-1]["request"]["headers"]))["Authorization"]
    assert bearer == "Bearer ****"
