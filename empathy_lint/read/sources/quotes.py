"""How email clients set off the message answered: quoted lines ("> ..."), the line
over them ("On Mon, Dana wrote:"), and Outlook's header trail ("-----Original
Message-----", "From: ... Sent: ... Subject: ..."), in every language of
rules/context/mail.yaml. Shared by the readers of drafts and conversations (thread.py,
conversation.py) and by the linter, which never lints quoted words as the writer's.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

from empathy_lint.rulebook import load_context


# A quoted line of an email ("> On Monday you wrote: ..."): its depth, then its text.
QUOTE_LINE = re.compile(r"^[ \t]*((?:>[ \t]?)+)([^\n\r]*)", re.M)


def _phrases(words: list[str]) -> str:
    """An alternation of phrases, longest first, any run of blanks between words."""
    return "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


class MailPatterns(NamedTuple):
    attribution: re.Pattern  # "On Mon, 3 Mar at 10:12, Dana wrote:" over quoted lines
    original: re.Pattern  # "-----Original Message-----"
    header: re.Pattern  # Outlook's "From: ... Sent: ... Subject: ..." block
    hints: tuple[str, ...]  # strings one of which a text with a trail holds
    sender: re.Pattern  # the sender named in a header
    header_lines: re.Pattern  # header lines in any order ("From: / Subject: / Date:" under Apple's forward line)


@functools.lru_cache(maxsize=1)
def mail_patterns() -> MailPatterns:
    """How mail clients set off the message answered, in every language of
    rules/context/mail.yaml. A line of a CRLF file ends in "\r": "$" alone would miss it."""
    mail = load_context("mail.yaml")
    sender, fields, subject = (_phrases(mail[key]) for key in ("header_from", "header_fields", "header_subject"))
    original = _phrases(mail["original_message"])
    forward = _phrases(mail["forward_line"])
    colon = r"\*?[ \t]*:\*?"
    opens = "|".join(rf"{_phrases([first])}[ \t][^\n\r]{{1,300}}?[ \t]{_phrases([verb])}"
                     for first, verb in mail["attribution"])
    return MailPatterns(re.compile(rf"^[ \t]*(?:{opens})(?:[ \t][^\n\r]{{1,160}}?)?[ \t]*:[ \t]*(?=\r?$)", re.M),
            re.compile(rf"^[ \t]*(?:-{{2,}}[ \t]*(?:{original})[ \t]*-{{2,}}|(?:{forward})[ \t]*:)[ \t]*(?=\r?$)",
                       re.M | re.I),
            re.compile(rf"^[ \t]*(?:_{{10,}}[ \t]*\r?\n[ \t]*)?\*?(?:{sender}){colon}[ \t]+[^\n\r]+\r?\n"
                       rf"(?:[ \t]*\*?(?:{fields}){colon}[^\n\r]*\r?\n){{1,5}}"
                       rf"[ \t]*\*?(?:{subject}){colon}[^\n\r]*"
                       # (Gmail's forward puts To: and Cc: under the Subject:)
                       rf"(?:\r?\n[ \t]*\*?(?:{fields}){colon}[^\n\r]*){{0,3}}(?=\r?$)", re.M | re.I),
            tuple(f"\n{bold}{word}" for word in mail["header_from"] for bold in ("", "*")) + ("--",),
            re.compile(rf"(?:{sender}){colon}[ \t]+([^\n\r]+)", re.I),
            re.compile(rf"(?:[ \t]*\*?(?:{sender}|{fields}|{subject}){colon}[^\n\r]*(?:\r?\n|$))+", re.I))


def trail_headers(text: str) -> list[tuple[int, int]]:
    """(start, end) of each header of an Outlook-style trail, in order; a header block
    right under an "Original Message" line is one header with it."""
    if "\n" not in text:  # a trail is lines under the reply: a one-line reply has none
        return []
    patterns = mail_patterns()
    if not any(hint in text for hint in patterns.hints):  # a few substring tests: most replies have no trail
        return []
    found = sorted([m.span() for m in patterns.original.finditer(text)] +
                   [m.span() for m in patterns.header.finditer(text)])
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    # A header with nothing written above it heads the text itself (an email template
    # opening "From: ... Subject: ..."): no trail, and nothing of it is skipped.
    if merged and not text[:merged[0][0]].strip():
        return []
    return merged


def sender_of(header: str) -> str | None:
    """Who a trail header says sent its message ("Dana <dana@example.com>"), lower-cased."""
    match = mail_patterns().sender.search(header)
    return " ".join(match.group(1).lower().split()) if match else None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted line and attribution line of an email draft, and of
    an Outlook-style trail (its first header to the end): the customer's words and the
    client's headers for them, not the writer's own."""
    spans = [m.span() for pattern in (QUOTE_LINE, mail_patterns().attribution) for m in pattern.finditer(text)] \
        if ">" in text else []
    headers = trail_headers(text)
    if headers:
        spans = [span for span in spans if span[1] <= headers[0][0]] + [(headers[0][0], len(text))]
    return spans
