"""What an auth scheme is: declared fields, and an httpx.Auth built from their values.

The auth panel draws its form from `Scheme.fields`; `gatepost send --auth-field NAME=VALUE`
uses the same names; storage writes every field except secrets, whose values live in
the keychain. Building happens before the request is sent, with every secret already
read, so that no auth flow does keychain I/O (a keyring read can block on D-Bus).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from ..storage.keychain import SecretStore

    #: What a scheme module's `_auth_class()` returns: an httpx.Auth subclass defined
    #: on first use (so that httpx is imported only when a request is signed), called
    #: with that class's own arguments.
    AuthFactory = Callable[..., httpx.Auth]


class FieldKind(StrEnum):
    TEXT = "text"
    #: Stored in the keychain, masked in the form and in every record.
    SECRET = "secret"
    CHOICE = "choice"
    #: A path to a file; the panel offers a file picker.
    FILE = "file"
    FLAG = "flag"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    default: str | bool = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False
    #: Placeholder text for the form.
    placeholder: str = ""

    @property
    def secret(self) -> bool:
        return self.kind is FieldKind.SECRET


@dataclass(frozen=True)
class Action:
    """A button under a scheme's form (e.g. OAuth 2's "Get new token")."""

    name: str
    label: str
    help: str = ""


class Interaction(Protocol):
    """What a scheme may ask of the person: the window and the terminal each give one."""

    def open_browser(self, url: str) -> None: ...

    def show_device_code(self, user_code: str, verification_uri: str,
                         complete_uri: str | None) -> None: ...

    def cancelled(self) -> bool: ...


@dataclass
class AuthContext:
    """Where a scheme keeps state beyond its fields (tokens), and who to ask.

    `place` scopes the keychain entries to the request or folder the auth belongs to,
    as `secret_key(collection_id, place, name)`.
    """

    store: SecretStore
    collection_id: str
    place: str
    interaction: Interaction | None = None


class AuthError(Exception):
    """Auth input that cannot work (a missing key file, a netrc that does not parse…).

    The message is for the user and must never contain a secret value.
    """


#: How a flag stored as text (a hand-edited file, a {{variable}}) says "off".
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


def flag(value: Any) -> bool:
    """A flag as stored (bool) or as typed in a file or a variable ("false" is off)."""
    if isinstance(value, str):
        return value.strip().lower() not in FALSE_WORDS
    return bool(value)


class Scheme:
    """One auth scheme. Subclass it, or declare an httpx.Auth subclass as a plug-in
    (see docs/auth-plugins.md)."""

    #: Stable identifier: used in files, in `--auth`, and as the plug-in entry point name.
    id: str = ""
    label: str = ""
    help: str = ""
    fields: tuple[Field, ...] = ()
    #: One line telling how to make an unavailable scheme available.
    install_hint: str = ""
    #: Buttons under the form; `run_action` does them (in a worker thread).
    actions: tuple[Action, ...] = ()

    def available(self) -> bool:
        """False when an optional package is missing; the panel then lists the scheme
        disabled, with `install_hint`."""
        return True

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def values(self, given: dict[str, Any]) -> dict[str, Any]:
        """The given values completed with each field's default."""
        return {f.name: given.get(f.name, f.default) for f in self.fields}

    def secret_names(self) -> list[str]:
        return [f.name for f in self.fields if f.secret]

    def check(self, values: dict[str, Any]) -> list[str]:
        """Problems that stop the request from being sent, one sentence each."""
        values = self.values(values)
        problems = [f"{f.label} is required." for f in self.fields
                    if f.required and not values.get(f.name)]
        for f in self.fields:
            if f.kind is FieldKind.CHOICE and f.choices and values[f.name] not in f.choices:
                problems.append(f"{f.label} must be one of {', '.join(f.choices)}.")
        return problems

    def notes(self, values: dict[str, Any]) -> list[str]:
        """Warnings worth showing that do not stop the request."""
        return []

    def build(self, values: dict[str, Any],
              context: AuthContext | None = None) -> httpx.Auth | None:
        """The httpx.Auth for these values (defaults filled in), or None for no auth.
        Raises AuthError for input that cannot work. `context` gives schemes that keep
        state (tokens) their keychain place; it is None where there is none."""
        raise NotImplementedError

    def run_action(self, name: str, values: dict[str, Any], context: AuthContext) -> str:
        """Do one of `actions`; returns a sentence for the user. Runs off the GUI thread
        and may do network and keychain I/O; raises AuthError when it fails."""
        raise AuthError(f"{self.label} has no action {name!r}.")

    def state(self, values: dict[str, Any], context: AuthContext) -> str:
        """What the scheme holds beyond its fields, for the form (e.g. a token's expiry)."""
        return ""

    def after_send(self, auth: httpx.Auth, context: AuthContext) -> None:
        """Called after a send with the auth that was used, to persist what it learnt
        (e.g. a refreshed token). Runs in the sending thread, after the last hop."""


class AuthClassScheme(Scheme):
    """A plug-in that is an httpx.Auth subclass: its fields are its constructor's
    keyword arguments, declared in `gatepost_fields` (with `gatepost_label` and
    `gatepost_help`)."""

    def __init__(self, id: str, cls: type[Any]) -> None:
        self.id = id
        self.cls = cls
        self.label = getattr(cls, "gatepost_label", id)
        self.help = getattr(cls, "gatepost_help", inspect.getdoc(cls) or "")
        self.fields = tuple(getattr(cls, "gatepost_fields", ()))

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        return self.cls(**self.values(values))
