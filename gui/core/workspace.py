"""The Workspace: the one place a request is prepared for sending.

"This request (the scratch one, or one saved in a collection), with this environment"
becomes a `SendPlan` — the spec the engine sends, the secret values to mask, the auth's
keychain place and the collection's certificates — or a `PlanError` that says what is
wrong, naming the file and the field, before anything is sent.

The window (gui/widgets/main_window.py), `gatepost send --collection` (gui/cli/) and
the collection runner all call `Workspace.plan`; none of them resolves variables,
inheritance or secrets itself. What differs between them is only how a missing secret
is asked for: the `ask` callback (a dialog, a terminal prompt, or nothing in CI).

Order of work in `plan`, as a request needs it:

1. the scopes: globals < collection < environment < overrides (`--var`, captures);
2. secret variables the request uses but this machine has no value for: asked once and
   kept in the keychain;
3. inheritance (headers and auth, collection → folder → request), then `{{variables}}`
   resolved in every field; unknown names reported together with the fields they are in;
4. secret auth fields with no value on this machine: asked once per key, kept in the
   keychain (Cancel sends without them, as before);
5. the AuthContext (where tokens live) and the collection's certificates.

Collections open without their secrets; `plan` reads the ones a request needs (`fill`),
once. Keychain reads may block: call `plan` where that is allowed (the CLI, a worker);
the window calls `fill` in a worker first, so its `plan` reads nothing, and hands what a
prompt asked for to a worker through `keep`.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import auth, deferred
from .auth import AuthContext
from .collections.globalvars import global_key, load_globals
from .collections.inherit import auth_source, effective_auth, effective_headers, prepare
from .collections.model import Collection, Environment, Folder, RequestItem, collection_of
from .collections.secrets import auth_place, fill_secrets, variable_key
from .planning import namespace, proxy_of, unknown_message
from .serialize import spec_to_dict
from .storage.scratch import SCRATCH
from .storage.scratch import auth_place as scratch_place
from .variables import (
    UnresolvedVariable,
    Variable,
    VariableCycle,
    find_variables,
    layer,
    resolve_spec,
    secret_values,
)

if TYPE_CHECKING:
    from .auth.base import Interaction
    from .collections.model import LoadProblem
    from .http.proxies import ProxySettings
    from .model import RequestSpec
    from .storage.keychain import SecretStore
    from .tls.config import TlsSettings


class PlanError(Exception):
    """The request cannot be sent as it is; the message is for the person and names
    the file and field where it can."""


@dataclass(frozen=True)
class SecretPrompt:
    """A secret this machine has no value for: what to ask and where it will be kept."""

    key: str
    title: str
    message: str
    #: "variable" (a secret {{variable}}) or "auth" (a secret field of an auth scheme).
    kind: str
    name: str


#: Asks the person for a secret; None when they decline (or nobody can be asked).
AskSecret = Callable[[SecretPrompt], "str | None"]


@dataclass
class SendPlan:
    """What the engine is given: `Engine.send(spec, secrets=, context=, tls=, proxy=)`."""

    spec: RequestSpec
    secrets: tuple[str, ...]
    context: AuthContext | None
    tls: TlsSettings | None = None
    item: RequestItem | None = None
    #: The proxy of the item's collection (its password read from the keychain by the
    #: engine, in the sending thread), or None: the global settings.
    proxy: ProxySettings | None = None
    #: Auth fields of the request's own auth that were asked for while planning: the
    #: window shows them in the Auth tab (they are already in the keychain).
    asked_auth: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return str(self.item.path) if self.item is not None else "the scratch request"


class Workspace:
    """Globals, the keychain and how to ask for secrets, shared by every plan."""

    def __init__(self, store: SecretStore, ask: AskSecret | None = None,
                 interaction: Interaction | None = None) -> None:
        self.store = store
        self.ask = ask
        #: How an auth scheme's interactive steps (OAuth 2 browser) reach the person.
        self.interaction = interaction
        self._globals: list[Variable] | None = None
        #: Why the globals file could not be read (then there are none), or None.
        self.globals_problem: LoadProblem | None = None
        #: Keychain keys already asked for (once per workspace, i.e. per session).
        self._asked: set[str] = set()
        #: Collections, folders and requests whose secrets `fill` has read.
        self._filled: weakref.WeakSet[Any] = weakref.WeakSet()
        #: Keeps a secret the person typed at a prompt; the window passes it to a worker.
        self.keep: Callable[[str, str], None] = store.set

    # -- scopes ----------------------------------------------------------------------------

    def globals(self) -> list[Variable]:
        """The global variables, secret values filled from the keychain (read once)."""
        if self._globals is None:
            self._globals, self.globals_problem = load_globals(self.store)
        return self._globals

    @property
    def globals_loaded(self) -> bool:
        return self._globals is not None

    def set_globals(self, variables: list[Variable] | None) -> None:
        """After the globals were edited (None: read them again when next needed)."""
        self._globals = variables

    def scopes(self, item: RequestItem | None, environment: Environment | None
               ) -> list[list[Variable]]:
        """The variable scopes a request sees, lowest first."""
        scopes: list[list[Variable]] = [self.globals()]
        if item is not None:
            scopes += [collection_of(item).variables,
                       environment.variables if environment is not None else []]
        return scopes

    def scope(self, item: RequestItem | None, environment: Environment | None,
              overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """Name -> value of every variable the request sees (later layers win)."""
        merged = layer(*self.scopes(item, environment))
        merged.update(overrides or {})
        return merged

    # -- secrets from the keychain --------------------------------------------------------

    def fill(self, item: RequestItem | None = None,
             environment: Environment | None = None) -> None:
        """Read the secrets a send of `item` needs that were not read yet: the globals',
        its collection's (variables, every environment's, its auth), each folder's above
        it and its own (`item.spec.auth`). Collections open without them. Keychain reads
        block: a worker's job (the window fills before it plans)."""
        self.globals()
        for obj in self._chain(item, environment):
            self.fill_object(obj)

    @staticmethod
    def _chain(item: RequestItem | None, environment: Environment | None
               ) -> list[Collection | Folder | RequestItem | Environment]:
        """What a send of `item` takes secrets from: its collection, the folders above
        it, itself, and the environment (one added since the collection's fill)."""
        if item is None:
            return []
        chain: list[Collection | Folder | RequestItem | Environment] = [item]
        node = item.parent
        while node is not None and node.parent is not None:
            chain.insert(0, node)
            node = node.parent
        chain.insert(0, collection_of(item))
        return chain + ([environment] if environment is not None else [])

    def fill_object(self, obj: Collection | Folder | RequestItem | Environment) -> None:
        """Read the secrets of `obj` alone (a collection: with its environments'), once."""
        if obj not in self._filled:
            fill_secrets(obj, self.store)
            self._filled.update([obj, *obj.environments] if isinstance(obj, Collection)
                                else [obj])

    def filled(self, item: RequestItem | None,
               environment: Environment | None = None) -> bool:
        """Whether `fill(item, environment)` has nothing left to read."""
        return self.globals_loaded and all(
            obj in self._filled for obj in self._chain(item, environment))

    def unfill(self, obj: Any) -> None:
        """`obj` was read again from disk: its secrets are to be read again too."""
        self._filled.discard(obj)

    # -- the plan --------------------------------------------------------------------------

    def plan(self, spec: RequestSpec, item: RequestItem | None = None,
             environment: Environment | None = None,
             overrides: Mapping[str, str] | None = None,
             secret_overrides: tuple[str, ...] = ()) -> SendPlan:
        """The request as the engine sends it. `spec` is the request as edited (a tab's
        unsaved state, or `item.spec`); `overrides` are variables above every scope
        (command-line `--var`, run captures), `secret_overrides` the ones of those to
        mask. Raises PlanError."""
        self.fill(item, environment)
        scopes = self.scopes(item, environment)
        self._ask_missing_variables(spec, item, environment, scopes, overrides or {})
        scope = layer(*scopes)
        scope.update(overrides or {})
        asked: dict[str, str] = {}
        try:
            if item is None:
                prepared = resolve_spec(spec, scope)
            else:
                draft = RequestItem(item.path, item.name, spec, item.id, item.parent)
                prepared = prepare(draft, scope)
                asked = self._ask_missing_auth(item, draft, prepared)
        except UnresolvedVariable as exc:
            raise PlanError(unknown_message(exc, spec, item, scope)) from None
        except VariableCycle as exc:
            raise PlanError(f"Not sent: the variables refer to each other in a loop: "
                            f"{' → '.join(exc.cycle)}.") from None
        secrets = secret_values(*scopes) + tuple(s for s in secret_overrides if s)
        proxy = self.collection_proxy(item)
        if proxy is not None:
            proxy.secret_lookup = self.store.get
        return SendPlan(prepared, secrets, self.auth_context(item, spec.auth.scheme),
                        self.collection_tls(item), item, proxy=proxy, asked_auth=asked)

    def auth_context(self, item: RequestItem | None, scheme: str) -> AuthContext:
        """Where the auth of a request keeps state (tokens) in the keychain: the scratch
        request's place, or the place of the item or parent that owns its auth."""
        if item is None:
            return AuthContext(self.store, SCRATCH, scratch_place(scheme), self.interaction)
        source = auth_source(item) if scheme == "inherit" else item
        return AuthContext(self.store, namespace(collection_of(item)), auth_place(source),
                           self.interaction)

    @staticmethod
    def collection_tls(item: RequestItem | None) -> TlsSettings | None:
        """The certificates of the item's collection, used before the global ones."""
        if item is None:
            return None
        # Through deferred: the window loads this module at idle, before any ssl.
        return deferred.collections_tls.collection_tls(collection_of(item))

    @staticmethod
    def collection_proxy(item: RequestItem | None) -> ProxySettings | None:
        """A copy of the proxy of the item's collection, its password's keychain key set
        (read when the request is sent, not here); None: the global settings."""
        if item is None:
            return None
        return proxy_of(collection_of(item))

    # -- missing secrets -------------------------------------------------------------------

    def _variable_keys(self, item: RequestItem | None, environment: Environment | None
                       ) -> list[Callable[[str], str]]:
        keys: list[Callable[[str], str]] = [global_key]
        if item is not None:
            space = namespace(collection_of(item))
            keys += [lambda name: variable_key(space, None, name),
                     lambda name: variable_key(space, environment, name)]
        return keys

    def _ask_missing_variables(self, spec: RequestSpec, item: RequestItem | None,
                               environment: Environment | None,
                               scopes: list[list[Variable]],
                               overrides: Mapping[str, str]) -> None:
        """A secret variable the request uses but this machine has no value for (a
        collection cloned from git): ask once and keep the answer in the keychain."""
        if not any(var.secret and var.enabled and not var.value and var.name not in overrides
                   for variables in scopes for var in variables):
            return  # the common case, and a run's: nothing to ask, nothing to serialise
        text = json.dumps(spec_to_dict(spec)) + json.dumps(spec.auth.values)
        if item is not None:
            text += self._inherited_text(item)
        used = {span.name for span in find_variables(text)} - set(overrides)
        keys = self._variable_keys(item, environment)
        for variables, key in zip(scopes, keys, strict=True):
            for var in variables:
                if not (var.secret and var.enabled and not var.value and var.name in used):
                    continue
                # Asked at every send that needs it (not once): declining leaves it
                # empty, and the next Send is the person asking to be asked again.
                value = self._ask(SecretPrompt(
                    key(var.name), "Secret variable",
                    f"{{{{{var.name}}}}} is a secret variable with no value on this machine "
                    "(secrets are never in the collection's files).\n"
                    f"Enter it; {self._kept_where()}:", "variable", var.name), once=False)
                if value:
                    var.value = value
                    self.keep(key(var.name), value)

    def _kept_where(self) -> str:
        """Where an answer goes, said truly: a store without a usable keychain keeps
        secrets in memory only (storage/keychain.py says why in `problem`)."""
        if getattr(self.store, "problem", None):
            return "it is kept in memory until Gatepost quits (there is no usable keychain)"
        return "it goes to your system keychain"

    @staticmethod
    def _inherited_text(item: RequestItem) -> str:
        """The texts a request inherits (headers and auth of its parents), where a
        {{variable}} may hide."""
        rows = [(r.name, r.value) for r in effective_headers(item)]
        return json.dumps(rows) + json.dumps(effective_auth(item).values, default=str)

    def _ask_missing_auth(self, item: RequestItem, draft: RequestItem,
                          prepared: RequestSpec) -> dict[str, str]:
        """A secret auth field with no value on this machine (the collection was cloned:
        secrets are never in its files): ask once, keep it in the keychain. Declining
        sends the request without it, as the scheme then reports."""
        try:
            scheme = auth.get(prepared.auth.scheme)
        except auth.AuthError:
            return {}
        source = auth_source(draft)
        owner: Collection | Folder | RequestItem = item if source is draft else source
        config = owner.spec.auth if isinstance(owner, RequestItem) else owner.auth
        asked: dict[str, str] = {}
        for f in scheme.fields:
            if not f.secret or prepared.auth.values.get(f.name):
                continue
            key = deferred.keychain.secret_key(namespace(collection_of(item)),
                                               auth_place(owner, scheme.id), f.name)
            if key in self._asked:
                continue
            value = self._ask(SecretPrompt(
                key, "Secret",
                f"{scheme.label}: {f.label} of {owner.name!r} has no value on this machine "
                "(secrets are never in the collection's files).\n"
                f"Enter it; {self._kept_where()}. Cancel sends the request without it:",
                "auth", f.name))
            if value:
                prepared.auth.values[f.name] = value
                config.values[f.name] = value
                if owner is item:
                    asked[f.name] = value
                self.keep(key, value)
        return asked

    def _ask(self, prompt: SecretPrompt, once: bool = True) -> str | None:
        if once:
            if prompt.key in self._asked:
                return None
            self._asked.add(prompt.key)
        return self.ask(prompt) if self.ask is not None else None

    def forget_asked(self, keys: list[str] | None = None) -> None:
        """Ask again for these keys (all when None), e.g. after their secrets were
        deleted."""
        if keys is None:
            self._asked.clear()
        else:
            self._asked.difference_update(keys)
