"""Cookie jars on disk: encrypted in the data folder, and Netscape files for curl.

A collection's jar (keyed by its keychain namespace, `Collection.namespace`, so that a
copied collection.yaml cannot reach another folder's cookies) and the jar of requests
outside collections (`scratch`) live in `<data folder>/cookies/`, never beside a
collection. Cookie values are often credentials, so a jar file holds them encrypted
(Fernet: AES-128-CBC with HMAC-SHA256) with a random key of its own, kept in the keychain
under `cookies/<namespace>/key`. Without a keychain (SecretStore falls back to memory),
nothing is written: the jar lives in memory for the session, and `CookieJar.note` says
so.

A jar file that cannot be read (damaged, another tool's, a key the keychain lost) is
moved aside as `<file>.unreadable`, named in a message, and a new jar starts; entries
that do not make sense are left out, the others kept.

Everything here touches the disk or the keychain: worker threads only.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import deferred
from ..http.cookiejar import CookieJar
from ..http.cookierules import Cookie, ascii_host, problem
from .atomic import write_atomic
from .keychain import secret_key
from .paths import data_dir

if TYPE_CHECKING:
    from .keychain import SecretStore

FORMAT = "gatepost-cookie-jar"
VERSION = 1
#: No jar of 3000 cookies comes near it; a bigger file is not ours.
MAX_FILE = 32 << 20
NETSCAPE_HEADER = ("# Netscape HTTP Cookie File\n"
                   "# Written by Gatepost. Cookie values are in plain text here: keep this "
                   "file private.\n\n")
_HTTP_ONLY = "#HttpOnly_"
_IN_MEMORY = "Cookies are kept in memory until Gatepost quits and never written to disk."


class JarError(Exception):
    """A jar file that cannot be used; the message names the file and what is wrong."""


def jar_folder() -> Path:
    return data_dir() / "cookies"


def jar_file(namespace: str, folder: Path | None = None) -> Path:
    # Namespaces hold a collection's id, which may have any character.
    digest = hashlib.sha256(namespace.encode()).hexdigest()[:32]
    return (folder or jar_folder()) / f"{digest}.jar"


def key_name(namespace: str) -> str:
    return secret_key("cookies", namespace, "key")


def _cookie_from(entry: Any) -> Cookie | None:
    if not isinstance(entry, dict):
        return None
    names = {f.name for f in fields(Cookie)}
    try:
        cookie = Cookie(**{k: v for k, v in entry.items() if k in names})
    except TypeError:
        return None
    texts = (cookie.name, cookie.value, cookie.domain, cookie.path, cookie.same_site)
    numbers = (cookie.created, cookie.last_access,
               0 if cookie.expires is None else cookie.expires)
    if not all(isinstance(t, str) for t in texts) or not all(
            isinstance(n, int | float) for n in numbers) or problem(cookie):
        return None
    return cookie


def decode(data: bytes, key: str | None) -> tuple[list[Cookie], int]:
    """The cookies of a jar file and how many entries were left out; JarError."""
    head = data[:64].lstrip()
    if head.startswith((b"# Netscape HTTP Cookie File", b"# HTTP Cookie File")):
        raise JarError("it is a Netscape (curl) cookie file, not a Gatepost jar; "
                       "gatepost send --cookie-jar reads those")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise JarError("it is not a Gatepost cookie jar (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise JarError("it is not a Gatepost cookie jar")
    if document.get("version") != VERSION:
        raise JarError(f"its format version {document.get('version')!r} is not one this "
                       "version of Gatepost reads")
    token = document.get("data")
    if not isinstance(token, str):
        raise JarError("it has no data")
    if key is None:
        raise JarError("the key to decrypt it is not in the keychain")
    try:
        plain = deferred.fernet.Fernet(key.encode()).decrypt(token.encode())
        entries = json.loads(plain)["cookies"]
    except (deferred.fernet.InvalidToken, ValueError, TypeError, KeyError):
        raise JarError("it could not be decrypted with its key from the keychain") from None
    if not isinstance(entries, list):
        raise JarError("its contents are damaged")
    cookies = [c for c in map(_cookie_from, entries) if c is not None]
    return cookies, len(entries) - len(cookies)


class JarStore:
    """The jars of this machine, by namespace: read on first use, written by `save`
    after a send or an edit (only when something changed)."""

    def __init__(self, store: SecretStore, folder: Path | None = None) -> None:
        self._store = store
        self._folder = folder
        self._jars: dict[str, CookieJar] = {}
        self._keys: dict[str, str] = {}
        self._saved: dict[str, int] = {}
        #: Jars whose file is there but could not be read (nor then overwritten).
        self._keep_off: set[str] = set()
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()

    def jar(self, namespace: str) -> CookieJar:
        with self._lock:
            jar = self._jars.get(namespace)
            if jar is None:
                jar = self._jars[namespace] = self._load(namespace)
                self._saved[namespace] = jar.version
            return jar

    def _load(self, namespace: str) -> CookieJar:
        jar = CookieJar(namespace)
        if not self._store.persistent:
            jar.note = f"{self._store.problem or 'No keychain.'} {_IN_MEMORY}"
            return jar
        path = jar_file(namespace, self._folder)
        try:
            if path.stat().st_size > MAX_FILE:
                raise JarError(f"it is larger than {MAX_FILE >> 20} MB")
            data = path.read_bytes()
        except FileNotFoundError:
            return jar
        except OSError as exc:
            self._keep_off.add(namespace)
            jar.note = (f"The cookie jar {path} could not be read ({exc.strerror or exc}); "
                        "cookies are kept in memory for now.")
            return jar
        except JarError as exc:
            return self._set_aside(jar, path, exc)
        try:
            cookies, skipped = decode(data, self._key(namespace, create=False))
        except JarError as exc:
            return self._set_aside(jar, path, exc)
        jar.load(cookies)
        if skipped:
            jar.note = (f"{skipped} entr{'y' if skipped == 1 else 'ies'} of the cookie jar "
                        f"{path} could not be read and {'was' if skipped == 1 else 'were'} "
                        "left out; the others are kept.")
        return jar

    def _set_aside(self, jar: CookieJar, path: Path, exc: JarError) -> CookieJar:
        aside = path.with_name(path.name + ".unreadable")
        try:
            path.replace(aside)
            kept = f"It was kept as {aside}, and a new jar was started."
        except OSError:
            self._keep_off.add(jar.namespace)
            kept = "It is left as it is; cookies are kept in memory for now."
        jar.note = f"The cookie jar {path} could not be read: {exc}. {kept}"
        return jar

    def _key(self, namespace: str, create: bool) -> str | None:
        key = self._keys.get(namespace)
        if key is None:
            key = self._store.get(key_name(namespace))
            if key is None and create:
                key = deferred.fernet.Fernet.generate_key().decode()
                self._store.set(key_name(namespace), key)
            if key is not None:
                self._keys[namespace] = key
        return key

    def save(self, jar: CookieJar) -> str | None:
        """Write the jar if it changed; a problem in words, or None."""
        namespace = jar.namespace
        if self._jars.get(namespace) is not jar or namespace in self._keep_off:
            return None
        with self._save_lock:
            version = jar.version
            if self._saved.get(namespace) == version:
                return None
            if not self._store.persistent:
                jar.note = f"{self._store.problem or 'No keychain.'} {_IN_MEMORY}"
                return jar.note
            key = self._key(namespace, create=True)
            if key is None or not self._store.persistent:
                # The keychain failed while the key was stored: it would be lost.
                jar.note = f"{self._store.problem or 'No keychain.'} {_IN_MEMORY}"
                return jar.note
            payload = json.dumps({"cookies": [asdict(c) for c in jar.all()]})
            data = deferred.fernet.Fernet(key.encode()).encrypt(payload.encode()).decode()
            document = {"format": FORMAT, "version": VERSION, "data": data}
            path = jar_file(namespace, self._folder)
            try:
                write_atomic(path, json.dumps(document).encode())
            except OSError as exc:
                # Kept on the jar: the cookie manager shows it (a send has no place to).
                jar.note = (f"The cookie jar {path} could not be written "
                            f"({exc.strerror or exc}); its cookies are in memory only.")
                return jar.note
            self._saved[namespace] = version
        return None


# -- Netscape (curl) cookie files --------------------------------------------------------


def read_netscape(text: str, where: str, now: float | None = None
                  ) -> tuple[list[Cookie], list[str]]:
    """The cookies of a Netscape/curl cookie file and its lines that are not cookies
    (one message each); JarError when nothing in it is a cookie line."""
    now = time.time() if now is None else now
    cookies, problems = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip("\r\n")
        http_only = line.startswith(_HTTP_ONLY)
        if http_only:
            line = line[len(_HTTP_ONLY):]
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) == 6:
            parts.append("")  # curl writes a cookie with an empty value so
        cookie = _netscape_cookie(parts, http_only, now)
        if isinstance(cookie, str):
            problems.append(f"{where}, line {number}: {cookie}")
        elif cookie is not None:
            cookies.append(cookie)
    if problems and not cookies:
        raise JarError(f"{where} is not a Netscape/curl cookie file ({problems[0]})")
    return cookies, problems


def _netscape_cookie(parts: list[str], http_only: bool, now: float) -> Cookie | str | None:
    if len(parts) != 7:
        return f"{len(parts)} tab-separated fields, 7 expected"
    domain, sub, path, secure, expires, name, value = parts
    if sub.upper() not in ("TRUE", "FALSE") or secure.upper() not in ("TRUE", "FALSE"):
        return "the second and fourth fields must be TRUE or FALSE"
    try:
        seconds = int(expires)
    except ValueError:
        return f"the expiry {expires!r} is not a number"
    cookie = Cookie(name=name, value=value, domain=ascii_host(domain.lstrip(".")) or "",
                    path=path, host_only=sub.upper() == "FALSE",
                    secure=secure.upper() == "TRUE", http_only=http_only,
                    expires=float(seconds) if seconds else None, created=now,
                    last_access=now)
    why = problem(cookie)
    if why:
        return why
    return None if cookie.expired(now) else cookie


def write_netscape(cookies: list[Cookie]) -> str:
    lines = [NETSCAPE_HEADER]
    for c in cookies:
        domain = c.domain if c.host_only else "." + c.domain
        lines.append("\t".join([
            (_HTTP_ONLY if c.http_only else "") + domain, "FALSE" if c.host_only else "TRUE",
            c.path, "TRUE" if c.secure else "FALSE",
            str(int(c.expires)) if c.expires is not None else "0", c.name, c.value]) + "\n")
    return "".join(lines)


def load_netscape(path: Path) -> tuple[CookieJar, list[str]]:
    """A jar from a Netscape/curl file (none there yet: an empty jar, as curl's -c);
    the lines left out; JarError in a sentence naming the file."""
    jar = CookieJar()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return jar, []
    except IsADirectoryError:
        raise JarError(f"{path} is a folder, not a cookie file") from None
    except OSError as exc:
        raise JarError(f"{path} cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JarError(f"{path} is not a Netscape/curl cookie file (not text: byte "
                       f"{exc.start} is not UTF-8)") from None
    cookies, problems = read_netscape(text, str(path))
    jar.load(cookies)
    return jar, problems


def save_netscape(jar: CookieJar, path: Path) -> None:
    """Write atomically; a new file is readable by its owner only (values are plain)."""
    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    write_atomic(path, write_netscape(jar.all()).encode())
