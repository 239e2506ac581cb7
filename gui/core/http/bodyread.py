"""A streamed response body read into BodyData: decoded as it arrives (httpx's own
decoders), the undecoded bytes kept when there was a Content-Encoding, progress and
streaming events reported, the body's size limit enforced."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from ..tls.info import TlsInfo
from .bodydata import BodyData, BodyLimitError

#: Called as body bytes arrive: (bytes received on the wire, Content-Length or None).
Progress = Callable[[int, int | None], None]
#: Called with each decoded chunk of a streaming response (event stream, NDJSON).
OnEvents = Callable[[bytes], None]
STREAMING_TYPES = ("text/event-stream", "application/x-ndjson", "application/ndjson",
                   "application/jsonl", "application/stream+json")


def _framing(headers: httpx.Headers) -> tuple[str, str]:
    """Content-Encoding and Content-Length as httpx's get(name, "") gives them, in one
    pass over the raw headers: get() raises and catches a KeyError for a missing one
    (no Content-Encoding is the usual case), and each lookup is a pass of its own."""
    coding: list[bytes] = []
    length: list[bytes] = []
    for name, value in headers.raw:
        name = name.lower()
        if name == b"content-encoding":
            coding.append(value)
        elif name == b"content-length":
            length.append(value)
    encoding = headers.encoding if coding or length else "ascii"
    return (", ".join([v.decode(encoding) for v in coding]),
            ", ".join([v.decode(encoding) for v in length]))


class BodyReader:
    """Reads a streamed response into BodyData, decoding as it goes and keeping the
    undecoded bytes when there was a Content-Encoding."""

    #: Bodies up to this size are also handed to httpx, for auth flows that read them.
    KEEP_FOR_HTTPX = 1024 * 1024

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.data = BodyData(limit=limit)
        self.raw: BodyData | None = None
        self.error: str | None = None
        self.tls: TlsInfo | None = None

    def read(self, response: httpx.Response, progress: Progress | None,
             on_events: OnEvents | None = None) -> None:
        coding, total = _framing(response.headers)
        encoded = bool(coding.strip(" ,").replace("identity", ""))
        expected = int(total) if total and total.isdigit() else None
        if not encoded and on_events is None and expected is not None and \
                expected <= min(self.KEEP_FOR_HTTPX, self.limit or self.KEEP_FOR_HTTPX):
            # Small, plain and of known size: httpx reads it, nothing to spool or keep.
            try:
                self.data = BodyData.of(response.read())
            except httpx.TransportError as exc:
                self.error = f"The body is incomplete: {exc or type(exc).__name__}"
                raise
            if progress is not None:
                progress(response.num_bytes_downloaded, expected)
            return
        if encoded:
            self.raw = BodyData(limit=self.limit, what="The compressed body")
        # httpx's own decoders, chained as its Response would (private, pinned httpx).
        decoder = response._get_content_decoder()
        try:
            for chunk in response.iter_raw():
                if self.raw is not None:
                    self.raw.write(chunk)
                if self.error is None:
                    before = self.data.size
                    self._decode(decoder.decode, chunk)
                    if on_events is not None and self.data.size > before:
                        on_events(self.data.read(before))
                if progress is not None:
                    progress(response.num_bytes_downloaded, expected)
            if self.error is None:
                self._decode(lambda _: decoder.flush(), b"")
            # zlib returns what it could without complaint when a stream stops early.
            zlib_state = getattr(decoder, "decompressor", None)
            if self.error is None and self.raw is not None and self.raw.size and \
                    getattr(zlib_state, "eof", True) is False:
                self.error = ("The compressed body ended early (the stream is truncated); "
                              "what could be decoded is shown, and the raw bytes are kept.")
        except httpx.TransportError as exc:
            self.error = f"The body is incomplete: {exc or type(exc).__name__}"
            raise
        except BodyLimitError as exc:
            self.error = str(exc)
            raise
        if self.data.size <= self.KEEP_FOR_HTTPX:
            # Auth flows with requires_response_body read `response.content`.
            response._content = self.data.bytes()

    def _decode(self, step: Callable[[bytes], bytes], chunk: bytes) -> None:
        try:
            self.data.write(step(chunk))
        except httpx.DecodingError as exc:
            self.error = (f"The body could not be decoded ({exc}); what could be decoded is "
                          "shown, and the raw bytes are kept.")
