"""The modules the core keeps off its callers' start-up paths, in one place.

The core is loaded by the window before its first frame and by `gatepost run` before
its first request; neither should pay for cryptography, the keychain or a parser it may
never use. Those modules are listed here and imported the first time one of their names
is used: gui/deferred.py is the same for the widgets, and the core has its own because
that one lists widget modules, which a type checker run over gui/core would follow into
Qt.

At a module's top::

    from .. import deferred

and at the point of use::

    deferred.x509.load_pem_x509_certificate(data)

The first access imports the module and keeps it in this module's globals, so every
later access is a plain attribute lookup. Keep the `deferred.` in front: importing a
name from here would import its module at once.

A module belongs here if a module that uses it is loaded (by the window before its first
frame or at idle, or by `gatepost run` / `gatepost send --help`) where it is not;
otherwise it is imported at the top of the module that uses it. A core module is listed
for the same reason, or where an import at the top would be a cycle (collections/owners.py
imports collections/model.py, whose `namespace` binds through it). Optional extras (NTLM,
Kerberos, requests plug-ins) are listed here too: a missing one raises ImportError at
its first use, and `optional()` asks whether it is installed without importing it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

_MODULES: dict[str, str] = {
    "authlib_auth": "authlib.oauth2.auth",
    "authlib_urls": "authlib.common.urls",
    "channel_bindings": "spnego.channel_bindings",
    "collection_owners": "gui.core.collections.owners",
    "collections_tls": "gui.core.collections.tls",
    "crypto_exceptions": "cryptography.exceptions",
    "ec": "cryptography.hazmat.primitives.asymmetric.ec",
    "ed25519": "cryptography.hazmat.primitives.asymmetric.ed25519",
    "ed448": "cryptography.hazmat.primitives.asymmetric.ed448",
    "ElementTree": "xml.etree.ElementTree",
    "etree": "lxml.etree",
    "expat": "xml.parsers.expat",
    "fernet": "cryptography.fernet",
    "gssapi": "gssapi",
    "gssapi_exceptions": "gssapi.raw.exceptions",
    "gssapi_misc": "gssapi.raw.misc",
    "hashes": "cryptography.hazmat.primitives.hashes",
    "highlight": "gui.core.highlight",
    "httpx": "httpx",
    "httpx_gssapi": "httpx_gssapi",
    "httpx_gssapi_exceptions": "httpx_gssapi.exceptions",
    "idna": "idna",
    "jmespath": "jmespath",
    "jmespath_exceptions": "jmespath.exceptions",
    "jose_errors": "joserfc.errors",
    "jsonpath": "jsonpath",
    "jsonpretty": "gui.core.jsonpretty",
    "jsontree": "gui.core.jsontree",
    "jwk": "joserfc.jwk",
    "jwt": "joserfc.jwt",
    "keychain": "gui.core.storage.keychain",
    "keyring": "keyring",
    "keyring_errors": "keyring.errors",
    "lxml_html": "lxml.html",
    "metadata": "importlib.metadata",
    "minidom": "xml.dom.minidom",
    "mohawk_base": "mohawk.base",
    "mohawk_exc": "mohawk.exc",
    "mohawk_util": "mohawk.util",
    "oauth1_utils": "oauthlib.oauth1.rfc5849.utils",
    "oauth2_flow": "gui.core.auth.oauth2.flow",
    "oauth2_interactive": "gui.core.auth.oauth2.interactive",
    "oauth2_parameters": "authlib.oauth2.rfc6749.parameters",
    "oauth2_tokens": "gui.core.auth.oauth2.tokens",
    "oauthlib_oauth1": "oauthlib.oauth1",
    "orjson": "orjson",
    "pkcs12": "cryptography.hazmat.primitives.serialization.pkcs12",
    "platformdirs": "platformdirs",
    "proxies": "gui.core.http.proxies",
    "publicsuffixlist": "publicsuffixlist",
    "pygments_lexers": "pygments.lexers",
    "pygments_token": "pygments.token",
    "queries": "gui.core.runner.queries",
    "requests": "requests",
    "requests_adapter": "gui.core.auth.requests_adapter",
    "requests_hooks": "requests.hooks",
    "requests_structures": "requests.structures",
    "rfc6749": "authlib.oauth2.rfc6749",
    "rfc7636": "authlib.oauth2.rfc7636",
    "rsa": "cryptography.hazmat.primitives.asymmetric.rsa",
    "ruamel_comments": "ruamel.yaml.comments",
    "ruamel_error": "ruamel.yaml.error",
    "ruamel_scalarstring": "ruamel.yaml.scalarstring",
    "ruamel_yaml": "ruamel.yaml",
    "serialization": "cryptography.hazmat.primitives.serialization",
    "spnego": "spnego",
    "spnego_exceptions": "spnego.exceptions",
    "tls_config": "gui.core.tls.config",
    "uuid": "uuid",
    "x509": "cryptography.x509",
    "yamlio": "gui.core.collections.yamlio",
}

if TYPE_CHECKING:
    # The real modules, for type checkers (`as` the same name is a re-export).
    import uuid as uuid
    from importlib import metadata as metadata
    from xml.dom import minidom as minidom
    from xml.etree import ElementTree as ElementTree
    from xml.parsers import expat as expat

    import gssapi as gssapi
    import httpx as httpx
    import httpx_gssapi as httpx_gssapi
    import idna as idna
    import jmespath as jmespath
    import jsonpath as jsonpath
    import keyring as keyring
    import orjson as orjson
    import platformdirs as platformdirs
    import publicsuffixlist as publicsuffixlist
    import requests as requests
    import spnego as spnego
    from authlib.common import urls as authlib_urls  # noqa: F401
    from authlib.oauth2 import auth as authlib_auth  # noqa: F401
    from authlib.oauth2 import rfc6749 as rfc6749
    from authlib.oauth2 import rfc7636 as rfc7636
    from authlib.oauth2.rfc6749 import parameters as oauth2_parameters  # noqa: F401
    from cryptography import exceptions as crypto_exceptions  # noqa: F401
    from cryptography import fernet as fernet
    from cryptography import x509 as x509
    from cryptography.hazmat.primitives import hashes as hashes
    from cryptography.hazmat.primitives import serialization as serialization
    from cryptography.hazmat.primitives.asymmetric import ec as ec
    from cryptography.hazmat.primitives.asymmetric import ed448 as ed448
    from cryptography.hazmat.primitives.asymmetric import ed25519 as ed25519
    from cryptography.hazmat.primitives.asymmetric import rsa as rsa
    from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12
    from gssapi.raw import exceptions as gssapi_exceptions  # noqa: F401
    from gssapi.raw import misc as gssapi_misc  # noqa: F401
    from httpx_gssapi import exceptions as httpx_gssapi_exceptions  # noqa: F401
    from jmespath import exceptions as jmespath_exceptions  # noqa: F401
    from joserfc import errors as jose_errors  # noqa: F401
    from joserfc import jwk as jwk
    from joserfc import jwt as jwt
    from keyring import errors as keyring_errors  # noqa: F401
    from lxml import etree as etree
    from lxml import html as lxml_html  # noqa: F401
    from mohawk import base as mohawk_base  # noqa: F401
    from mohawk import exc as mohawk_exc  # noqa: F401
    from mohawk import util as mohawk_util  # noqa: F401
    from oauthlib import oauth1 as oauthlib_oauth1  # noqa: F401
    from oauthlib.oauth1.rfc5849 import utils as oauth1_utils  # noqa: F401
    from pygments import lexers as pygments_lexers  # noqa: F401
    from pygments import token as pygments_token  # noqa: F401
    from requests import hooks as requests_hooks  # noqa: F401
    from requests import structures as requests_structures  # noqa: F401
    from ruamel import yaml as ruamel_yaml  # noqa: F401
    from ruamel.yaml import comments as ruamel_comments  # noqa: F401
    from ruamel.yaml import error as ruamel_error  # noqa: F401
    from ruamel.yaml import scalarstring as ruamel_scalarstring  # noqa: F401
    from spnego import channel_bindings as channel_bindings
    from spnego import exceptions as spnego_exceptions  # noqa: F401

    from gui.core import highlight as highlight
    from gui.core import jsonpretty as jsonpretty
    from gui.core import jsontree as jsontree
    from gui.core.auth import requests_adapter as requests_adapter
    from gui.core.auth.oauth2 import flow as oauth2_flow  # noqa: F401
    from gui.core.auth.oauth2 import interactive as oauth2_interactive  # noqa: F401
    from gui.core.auth.oauth2 import tokens as oauth2_tokens  # noqa: F401
    from gui.core.collections import owners as collection_owners  # noqa: F401
    from gui.core.collections import tls as collections_tls  # noqa: F401
    from gui.core.collections import yamlio as yamlio
    from gui.core.http import proxies as proxies
    from gui.core.runner import queries as queries
    from gui.core.storage import keychain as keychain
    from gui.core.tls import config as tls_config  # noqa: F401


def optional(name: str) -> bool:
    """Whether the optional extra `name` is installed, without importing it."""
    return importlib.util.find_spec(name) is not None


def first_use(modules: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], ModuleType]:
    """The body of a deferring module's `__getattr__` (this one's and gui/deferred.py's):
    `modules[name]` imported, then kept in `namespace` (that module's globals) so that
    Python no longer calls `__getattr__` for it."""

    def load(name: str) -> ModuleType:
        try:
            path = modules[name]
        except KeyError:
            raise AttributeError(
                f"module {namespace['__name__']!r} has no attribute {name!r}") from None
        module = import_module(path)
        namespace[name] = module
        return module

    return load


_load = first_use(_MODULES, globals())


def __getattr__(name: str) -> ModuleType:
    return _load(name)
