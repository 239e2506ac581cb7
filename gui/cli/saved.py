"""`gatepost send --collection DIR REQUEST`: a saved request, prepared as the window
prepares it (gui/core/workspace.py), sent from the command line.

Secrets come from the same places as in the window — the keychain entries this machine
holds for the collection — and from the command line: `--var NAME=env:VAR` (or `-` to be
prompted) for a secret variable, `--auth-field NAME=env:VAR` for a secret field of the
request's effective auth. A secret that is still missing is asked for on a terminal
(and kept in the keychain, as the window does), and refused in one line without one.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import TYPE_CHECKING

from .. import deferred
from .options import TerminalInteraction

if TYPE_CHECKING:
    import argparse

    from ..core.collections.model import Collection, RequestItem
    from ..core.workspace import SecretPrompt, SendPlan


class SavedRequestError(Exception):
    """A saved request that cannot be sent; one line for stderr."""


def add_arguments(send: argparse.ArgumentParser) -> None:
    saved = send.add_argument_group(
        "saved requests", "Send a request of a collection instead of a URL: URL is then "
        "the request's file (relative to the collection folder) or its names in the tree "
        "('Folder/Request'). Variables, inherited headers and auth, the environment and "
        "keychain secrets apply as in the window.")
    saved.add_argument("--collection", metavar="DIR", help="the collection folder")
    saved.add_argument("--env", metavar="NAME", help="the environment to use (its name or "
                       "file name)")
    saved.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                       help="a variable above every scope (repeatable); VALUE may be "
                            "env:VAR or - (prompted), and such values are masked as secrets")


def source_value(name: str, value: str, label: str) -> tuple[str, bool]:
    """(the value, whether it is a secret): env:VAR and - are secret sources."""
    if value.startswith("env:"):
        var = value[4:]
        if var not in os.environ:
            raise SavedRequestError(f"{label} {name}: the environment variable {var} is "
                                    "not set.")
        return os.environ[var], True
    if value == "-":
        return _prompt(f"{label} {name}: "), True
    return value, False


def _prompt(text: str) -> str:
    if not sys.stdin.isatty():
        raise SavedRequestError(f"{text.rstrip(': ')}: no terminal to ask on; use env:VAR.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return deferred.getpass.getpass(text)
        except (EOFError, KeyboardInterrupt):
            raise SavedRequestError(f"{text.rstrip(': ')}: nothing entered.") from None


def ask_on_terminal(prompt: SecretPrompt) -> str | None:
    what = "{{" + prompt.name + "}}" if prompt.kind == "variable" else prompt.name
    if not sys.stdin.isatty():
        hint = (f"--var {prompt.name}=env:VAR" if prompt.kind == "variable"
                else f"--auth-field {prompt.name}=env:VAR")
        raise SavedRequestError(f"the secret {what} has no value on this machine (secrets "
                                f"are never in the collection's files); pass {hint}.")
    print(f"gatepost: {prompt.message}", file=sys.stderr)
    return _prompt(f"{what}: ")


def _auth_overrides(args: argparse.Namespace, item: RequestItem) -> list[str]:
    """--auth-field values put on the request's effective auth (the request's own, or
    the folder's or collection's it inherits), for this send only; their secret
    values, to mask."""
    if not args.auth_field:
        return []
    source = deferred.inherit.auth_source(item)
    config = (source.spec.auth if isinstance(source, deferred.collection_model.RequestItem)
              else source.auth)
    try:
        scheme = deferred.auth.get(config.scheme)
    except deferred.auth.AuthError as exc:
        raise SavedRequestError(f"{item.path}: auth: {exc}") from None
    fields = {f.name: f for f in scheme.fields}
    secrets = []
    for pair in args.auth_field:
        name, found, value = pair.partition("=")
        if not found or name not in fields:
            raise SavedRequestError(
                f"--auth-field {pair!r}: {scheme.id} (the auth of {source.name!r}) has the "
                f"fields {', '.join(fields) or 'none'}.")
        value, _ = source_value(name, value, "--auth-field")
        if fields[name].kind is deferred.auth.FieldKind.SECRET:
            secrets.append(value)
        config.values[name] = value
    return secrets


def saved_plan(args: argparse.Namespace) -> SendPlan:
    """The plan for `--collection DIR REQUEST`; SavedRequestError or PlanError (both
    one line) when it cannot be made."""
    store = deferred.keychain.SecretStore()
    collection: Collection = deferred.lookup.load_collection(args.collection, store)
    item = deferred.lookup.find_request(collection, args.url)
    environment = deferred.lookup.find_environment(collection, args.env) if args.env else None
    overrides: dict[str, str] = {}
    secret_overrides: list[str] = []
    for pair in args.var:
        name, found, value = pair.partition("=")
        if not found or not name.strip():
            raise SavedRequestError(f"--var {pair!r} is not in the form NAME=VALUE.")
        value, secret = source_value(name.strip(), value, "--var")
        overrides[name.strip()] = value
        if secret:
            secret_overrides.append(value)
    secret_overrides += _auth_overrides(args, item)

    workspace = deferred.workspace.Workspace(store, ask=ask_on_terminal,
                                             interaction=TerminalInteraction())
    plan = workspace.plan(item.spec, item, environment, overrides, tuple(secret_overrides))
    _command_line_options(args, plan)
    return plan


def _command_line_options(args: argparse.Namespace, plan: SendPlan) -> None:
    """What the command line adds to a saved request: extra headers and the switches
    that say "not as saved" (-k, --no-follow, --http2, -X)."""
    for header in args.header:
        name, found, value = header.partition(":")
        if not found or not name.strip():
            raise SavedRequestError(f"Header {header!r} is not in the form NAME: VALUE.")
        plan.spec.headers = [r for r in plan.spec.headers
                             if r.name.lower() != name.strip().lower()]
        plan.spec.headers.append(deferred.model.Row(name.strip(), value.strip()))
    if args.method:
        plan.spec.method = args.method
    if args.insecure:
        plan.spec.options.verify_tls = False
    if args.no_follow:
        plan.spec.options.follow_redirects = False
    if args.http2:
        plan.spec.options.http2 = True


def body_arguments_given(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) for name in ("data", "json_body", "form",
                                                       "multipart"))
