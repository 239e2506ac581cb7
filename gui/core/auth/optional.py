"""NTLM and Kerberos / Negotiate: optional extras, listed even when not installed."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from .base import AuthContext, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx


class NtlmScheme(Scheme):
    id = "ntlm"
    label = "NTLM"
    help = "Windows NTLM challenge-response, via httpx-ntlm. User name as DOMAIN\\user."
    install_hint = "pip install 'gatepost[ntlm]'  (installs httpx-ntlm)"
    fields = (
        Field("username", "User name", required=True, placeholder="DOMAIN\\user"),
        Field("password", "Password", FieldKind.SECRET),
    )

    def available(self) -> bool:
        return importlib.util.find_spec("httpx_ntlm") is not None

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        from httpx_ntlm import HttpNtlmAuth

        values = self.values(values)
        return HttpNtlmAuth(values["username"], values["password"])


class KerberosScheme(Scheme):
    id = "kerberos"
    label = "Kerberos / Negotiate"
    help = ("SPNEGO (RFC 4559) with the Kerberos ticket of your session (kinit), via "
            "httpx-gssapi.")
    install_hint = "pip install 'gatepost[kerberos]'  (installs httpx-gssapi; needs libkrb5)"
    fields = (
        Field("mutual", "Require mutual authentication", FieldKind.FLAG, default=False),
        Field("delegate", "Delegate credentials", FieldKind.FLAG, default=False),
    )

    def available(self) -> bool:
        return importlib.util.find_spec("httpx_gssapi") is not None

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        from httpx_gssapi import DISABLED, REQUIRED, HTTPSPNEGOAuth

        values = self.values(values)
        return HTTPSPNEGOAuth(mutual_authentication=REQUIRED if values["mutual"] else DISABLED,
                              delegate=bool(values["delegate"]))
