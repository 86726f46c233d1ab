"""An email draft saved as a message file (`.eml`, RFC 5322 + MIME), as Thunderbird,
Outlook and Apple Mail save one: the draft is its text body, not its headers.

The body is found with the standard library's `email` parser: the first `text/plain`
part (else `text/html`) that is not an attachment. Its words stay where they are in the
file, so findings point into it: quoted-printable is read through masks (a soft line
break `=` is nothing, `=C3=A9` is "é"), HTML through the same masks as a helpdesk
export's. A base64 body cannot be pointed into and is reported, not guessed. The message
it quotes (`> ...` lines, an Outlook trail) is the customer's, as in a plain-text draft.
"""
from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from typing import Any

from empathy_lint.read.placeholders import Mask, apply_masks, merge_masks
from empathy_lint.read.sources.base import Document, Reply
from empathy_lint.read.sources.markup import html_masks, quoted_html_messages
from empathy_lint.read.sources.thread import quote_meta

_SOFT_BREAK = re.compile(r"=\r?\n")
_BLANK_LINE = re.compile(r"\r?\n\r?\n")
_ESCAPED = re.compile(r"(?:=[0-9A-Fa-f]{2})+")


def read_mail(path: str, text: str, options: dict[str, Any]) -> Document:
    message = email.message_from_string(text, policy=email.policy.compat32)  # payloads as written
    part = _body_part(message)
    if part is None:
        return Document(path, text, notices=[f"{path}: no text body in this message to check"])
    raw = part.get_payload()
    # The body is below the message's headers (a short one, "Thanks!", may also be its Subject).
    headers = _BLANK_LINE.search(text)
    start = text.find(raw, headers.end() if headers else 0) if isinstance(raw, str) and raw.strip() else -1
    if start < 0:
        return Document(path, text, notices=[f"{path}: the message's text body is empty"])
    encoding = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    if encoding == "base64":
        return Document(path, text, notices=[f"{path}: the text body is base64-encoded, which findings cannot "
                                             "point into; save the draft as plain text (.txt) to check it"])
    charset = part.get_content_charset() or "utf-8"
    masks = merge_masks(_quoted_printable(raw, charset) if encoding == "quoted-printable" else [],
                        html_masks(raw) if part.get_content_type() == "text/html" else [])
    quoted = quote_meta(apply_masks(raw, masks))
    if not quoted and part.get_content_type() == "text/html":  # what it quotes is masked: read it from the HTML
        latest, older = quoted_html_messages(raw)
        quoted = {k: v for k, v in (("quoted", latest), ("quoted_earlier", older if latest else None)) if v}
    meta = {"channel": "email", **quoted}
    return Document(path, text, [Reply.verbatim(raw, start, masks=masks, meta=meta)])


def _body_part(message: Message) -> Message | None:
    """The first text/plain part that is no attachment, else the first text/html one."""
    parts = [p for p in message.walk() if not p.is_multipart()
             and not str(p.get("Content-Disposition", "")).lower().startswith("attachment")]
    for kind in ("text/plain", "text/html"):
        for part in parts:
            if part.get_content_type() == kind:
                return part
    return None


def _quoted_printable(raw: str, charset: str) -> list[Mask]:
    """Masks that read quoted-printable text as its characters, offsets kept."""
    masks: list[Mask] = [(m.start(), m.end(), "") for m in _SOFT_BREAK.finditer(raw)]
    for m in _ESCAPED.finditer(raw):
        data = bytes.fromhex(m.group().replace("=", ""))
        try:
            decoded = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            decoded = data.decode("latin-1")
        masks.append((m.start(), m.end(), decoded))
    return masks
