"""An example third-party auth plug-in, as docs/auth-plugins.md describes.

It signs each request with a shared key: `X-Signature: <key id>:<hex HMAC-SHA256 of the
method and path>`. The package's metadata declares it in the `gatepost.auth` group.
"""

import hashlib
import hmac

import httpx

from gui.core.auth import Field, FieldKind


class SignatureAuth(httpx.Auth):
    gatepost_label = "Example signature"
    gatepost_help = "Signs the method and path with a shared key."
    gatepost_fields = (
        Field("key_id", "Key id", required=True),
        Field("key", "Shared key", FieldKind.SECRET, required=True),
    )

    def __init__(self, key_id: str, key: str) -> None:
        self.key_id, self.key = key_id, key

    def auth_flow(self, request):
        message = f"{request.method} {request.url.raw_path.decode()}".encode()
        digest = hmac.new(self.key.encode(), message, hashlib.sha256).hexdigest()
        request.headers["X-Signature"] = f"{self.key_id}:{digest}"
        yield request
