"""HTTP servers on 127.0.0.1 that accept Negotiate (SPNEGO, Kerberos) and NTLM with
pyspnego as the acceptor, as IIS or an Apache with mod_auth_gssapi would.

Both speak HTTP/1.1 with keep-alive, and keep the acceptor's state on the connection:
NTLM's handshake (negotiate -> challenge -> authenticate) only works when all of it
goes over one connection, so a client that opens a new one half-way fails here as it
would against Windows. A 200 answers with JSON: the authenticated principal and how
many requests the connection had carried.

Paths: `/no-mutual` leaves the server's final Negotiate token out of the 200 (a server
that cannot prove who it is); `/no-challenge` answers NTLM's negotiate message with a
bare `WWW-Authenticate: NTLM` (a server that lost the connection's state).
"""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import spnego
from spnego.exceptions import SpnegoError

from tests.servers import handler_server

#: The first bytes of every NTLM message, then its type (1 = negotiate).
_NTLM_NEGOTIATE = b"NTLMSSP\x00\x01\x00\x00\x00"


class _AuthHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # A client that leaves a kept-alive connection open must not hold a thread forever.
    timeout = 30
    scheme = ""
    #: Channel bindings the acceptor requires (Extended Protection), or None.
    channel_bindings = None

    def setup(self) -> None:
        super().setup()
        self.acceptor: spnego.ContextProxy | None = None
        self.requests_on_connection = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_GET

    def _serve(self) -> None:
        self.requests_on_connection += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != self.scheme.lower() or not token.strip():
            self.acceptor = None
            self._reply(401, self.scheme, "Authentication required.")
            return
        try:
            self._step(base64.b64decode(token.strip()))
        except (SpnegoError, ValueError) as exc:
            self.acceptor = None
            self._reply(401, self.scheme, f"{self.scheme} authentication failed: {exc}")

    def _step(self, token: bytes) -> None:
        raise NotImplementedError

    def _new_acceptor(self) -> spnego.ContextProxy:
        return spnego.server(protocol=self.scheme.lower(),
                             channel_bindings=self.channel_bindings)

    def _authenticated(self, principal: str | None, final: bytes | None) -> None:
        body = {"principal": principal, "protocol": self.scheme,
                "requests_on_connection": self.requests_on_connection}
        header = f"{self.scheme} {base64.b64encode(final).decode()}" if final else None
        self.acceptor = None
        self._reply(200, header, json.dumps(body), "application/json")

    def _reply(self, status: int, authenticate: str | None, text: str,
               ctype: str = "text/plain; charset=utf-8") -> None:
        body = text.encode()
        self.send_response(status)
        if authenticate:
            self.send_header("WWW-Authenticate", authenticate)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class NegotiateHandler(_AuthHandler):
    """SPNEGO over HTTP (RFC 4559): Kerberos tokens, usually in one round trip."""

    scheme = "Negotiate"

    def _step(self, token: bytes) -> None:
        if self.acceptor is None:
            self.acceptor = self._new_acceptor()
        out = self.acceptor.step(token)
        if not self.acceptor.complete:
            # SPNEGO may need another leg: keep the acceptor on the connection.
            self._reply(401, f"Negotiate {base64.b64encode(out or b'').decode()}",
                        "Negotiate continues.")
            return
        final = None if self.path.startswith("/no-mutual") else out
        self._authenticated(self.acceptor.client_principal, final)


class NtlmHandler(_AuthHandler):
    """NTLM over HTTP: 401 NTLM -> negotiate -> 401 challenge -> authenticate -> 200."""

    scheme = "NTLM"

    def _step(self, token: bytes) -> None:
        if token.startswith(_NTLM_NEGOTIATE):
            if self.path.startswith("/no-challenge"):
                self._reply(401, "NTLM", "No challenge here.")
                return
            if self.path.startswith("/forbidden"):
                self._reply(403, None, "This account may not use NTLM here.")
                return
            # A new handshake, even on a connection that had one.
            self.acceptor = self._new_acceptor()
        elif self.acceptor is None:
            self._reply(401, "NTLM", "An NTLM authenticate message came on a connection "
                        "that had no challenge: the handshake must stay on one connection.")
            return
        out = self.acceptor.step(token)
        if self.acceptor.complete:
            self._authenticated(self.acceptor.client_principal, None)
        else:
            self._reply(401, f"NTLM {base64.b64encode(out or b'').decode()}", "Challenge.")


#: The server on a free port of `host`, for as long as the block runs.
auth_server = handler_server


def write_ntlm_users(path: Path, users: list[tuple[str, str, str]]) -> Path:
    """pyspnego's NTLM acceptor reads its accounts from the file NTLM_USER_FILE names,
    one `DOMAIN:USER:PASSWORD` a line."""
    path.write_text("".join(f"{d}:{u}:{p}\n" for d, u, p in users))
    return path
