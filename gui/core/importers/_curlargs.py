"""curl's command line as words: shell quoting, continuations, and curl's options.

Only the quoting a shell would undo is undone (shlex, plus bash's `$'...'` that browsers'
"Copy as cURL" writes); nothing is expanded or run. Options are curl's own names, short
ones bundled as curl allows (`-sSL`, `-XPOST`, `-HAccept:x`).
"""

from __future__ import annotations

import shlex

#: Options that take a value, long names.
WITH_VALUE = frozenset("""
url request header data data-ascii data-raw data-binary data-urlencode json form form-string
user cookie user-agent referer cacert capath cert key cert-type key-type pass max-redirs
max-time connect-timeout proxy proxy-user aws-sigv4 oauth2-bearer output write-out
cookie-jar dump-header retry retry-delay retry-max-time range upload-file resolve connect-to
interface limit-rate unix-socket config expect100-timeout keepalive-time tls-max ciphers
proxy-header request-target time-cond continue-at trace trace-ascii stderr max-filesize
dns-servers local-port url-query proxy-cacert proxy-cert proxy-key crlfile pinnedpubkey
netrc-file speed-limit speed-time sasl-authzid service-name login-options variable
""".split())
#: Options that take no value, long names.
FLAGS = frozenset("""
get head include insecure location location-trusted compressed digest basic ntlm negotiate
anyauth silent show-error verbose fail fail-with-body fail-early http1.0 http1.1 http2
http2-prior-knowledge http3 globoff no-buffer remote-name remote-name-all remote-header-name
progress-bar no-progress-meter path-as-is raw tr-encoding ipv4 ipv6 tlsv1 tlsv1.0 tlsv1.1
tlsv1.2 tlsv1.3 sslv2 sslv3 ssl ssl-reqd no-keepalive no-sessionid create-dirs remote-time
junk-session-cookies netrc netrc-optional proxy-insecure disable styled-output no-alpn
no-npn false-start tcp-nodelay tcp-fastopen post301 post302 post303 ssl-no-revoke xattr
proxy-basic proxy-digest proxy-ntlm proxy-negotiate proxy-anyauth proxytunnel
suppress-connect-headers ignore-content-length compressed-ssh doh-insecure manual help
version
""".split())
SHORT = {
    "X": "request", "H": "header", "d": "data", "F": "form", "u": "user", "b": "cookie",
    "A": "user-agent", "e": "referer", "E": "cert", "x": "proxy", "U": "proxy-user",
    "m": "max-time", "o": "output", "w": "write-out", "c": "cookie-jar", "D": "dump-header",
    "r": "range", "T": "upload-file", "K": "config", "z": "time-cond", "C": "continue-at",
    "G": "get", "I": "head", "i": "include", "k": "insecure", "L": "location",
    "s": "silent", "S": "show-error", "v": "verbose", "f": "fail", "g": "globoff",
    "N": "no-buffer", "O": "remote-name", "J": "remote-header-name", "#": "progress-bar",
    "4": "ipv4", "6": "ipv6", "0": "http1.0", "1": "tlsv1", "R": "remote-time",
    "j": "junk-session-cookies", "n": "netrc", "q": "disable", "V": "version", "h": "help",
    "M": "manual",
}
#: Where a shell command goes on past curl: a pipe, a redirect, a second command.
SHELL_OPERATORS = frozenset({"|", "||", "&&", ";", "&", ">", ">>", "<", "2>&1", "2>"})


class CurlError(ValueError):
    """A curl command that cannot be read; the message names what is wrong."""


_ANSI = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a",
         "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v", "?": "?"}


def _ansi_c(text: str, start: int) -> tuple[str, int]:
    """Bash's $'...' from `start` (just past the opening quote): the text and the index
    after the closing quote."""
    out: list[str] = []
    i = start
    while i < len(text):
        c = text[i]
        if c == "'":
            return "".join(out), i + 1
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n in _ANSI:
                out.append(_ANSI[n])
                i += 2
                continue
            for prefix, size, base in (("x", 2, 16), ("u", 4, 16), ("U", 8, 16)):
                digits = text[i + 2:i + 2 + size]
                if n == prefix and digits and all(d in "0123456789abcdefABCDEF"
                                                  for d in digits):
                    out.append(chr(int(digits, base)))
                    i += 2 + size
                    break
            else:
                if n in "01234567":
                    digits = n + "".join(d for d in text[i + 2:i + 4] if d in "01234567")
                    out.append(chr(int(digits[:3], 8)))
                    i += 1 + len(digits[:3])
                else:
                    out += [c, n]
                    i += 2
            continue
        out.append(c)
        i += 1
    raise CurlError("The command cannot be read: a $'...' quotation is not closed "
                    "(unbalanced quotes).")


def _unquote_ansi(text: str) -> str:
    """`text` with every bash $'...' (outside other quotes) turned into plain quoting."""
    if "$'" not in text:
        return text
    out, i, quote = [], 0, ""
    while i < len(text):
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and quote == '"' and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = ""
        elif c == "\\" and i + 1 < len(text):
            out += [c, text[i + 1]]
            i += 1
        elif c in "'\"":
            quote = c
            out.append(c)
        elif c == "$" and text[i + 1:i + 2] == "'":
            value, i = _ansi_c(text, i + 2)
            out.append(shlex.quote(value))
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def words(text: str) -> list[str]:
    """The shell words of one command; CurlError for unbalanced quotes."""
    text = text.replace("\r\n", "\n")
    text = text.replace("\\\n", " ")  # line continuations
    try:
        return shlex.split(_unquote_ansi(text))
    except CurlError:
        raise
    except ValueError as exc:
        problem = str(exc).rstrip(".")
        if "quotation" in problem:
            problem = "a quotation mark is not closed (unbalanced quotes)"
        raise CurlError(f"The command cannot be read: {problem}.") from None


def options(args: list[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """curl's options as (long name, value or None) in order, with the words that
    follow the shell command (a pipe and on) listed apart; CurlError naming an unknown
    option or one missing its value."""
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in SHELL_OPERATORS or arg.startswith(("2>", ">")):
            return out, args[i - 1:]
        if arg.startswith("--") and len(arg) > 2:
            name = arg[2:]
            if name in FLAGS:
                out.append((name, None))
                continue
            if name.startswith("no-") and name[3:] in FLAGS:
                out.append((name, None))
                continue
            if name not in WITH_VALUE:
                raise CurlError(f"Unknown curl option {arg}.")
            if i >= len(args):
                raise CurlError(f"The curl option {arg} needs a value.")
            out.append((name, args[i]))
            i += 1
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                letter = arg[j]
                name = SHORT.get(letter, "")
                if not name:
                    raise CurlError(f"Unknown curl option -{letter}"
                                    f"{f' (in {arg})' if len(arg) > 2 else ''}.")
                if name in WITH_VALUE:
                    value = arg[j + 1:]
                    if not value:
                        if i >= len(args):
                            raise CurlError(f"The curl option -{letter} needs a value.")
                        value = args[i]
                        i += 1
                    out.append((name, value))
                    break
                out.append((name, None))
                j += 1
        else:
            out.append(("url", arg))
    return out, []
