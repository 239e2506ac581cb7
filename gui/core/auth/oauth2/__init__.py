"""OAuth 2.0 and OpenID Connect, the protocol pieces behind the `oauth2` auth scheme.

- `config`: the scheme's field values, checked and typed (`Config`).
- `protocol`: sans-I/O generators that yield `httpx.Request`s and receive responses:
  discovery, token requests, refresh. The same generator runs inside an `httpx.Auth`
  flow (the engine sends and records each request as an `auth` hop) and in the
  "Get new token" action (sent by `interactive.drive`).
- `tokens`: the token, its expiry, JWT claims decoded *without* verification, and its
  keychain entries.
- `loopback`: the RFC 8252 redirect listener on 127.0.0.1.
- `interactive`: the grants that need a person (browser, device code) and the actions.
- `flow`: the `httpx.Auth` that attaches the token and refreshes it once.

authlib does PKCE, client authentication and the authorization/token request encoding;
nothing here does cryptography of its own. Nothing here imports Qt.
"""
