"""Quick fixes for the language server: replace, insert a suggested phrase, disable a rule.

Kept apart from the server so the edits can be reasoned about (and tested) as text.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from lsprotocol import types

from empathy_lint.findings import Finding, Fix, describe_fix
from empathy_lint.read.sources import STRUCTURED_SUFFIXES

# How a file type spells a suppression comment; None: the format has no safe spot
# for a line comment (JSON has no comments; a "#" line inside a YAML block scalar
# would become part of the macro text, so YAML only gets the whole-file form).
COMMENT_STYLES = {
    ".md": "<!-- empathy-lint: {directive} {code} -->",
    ".markdown": "<!-- empathy-lint: {directive} {code} -->",
    ".html": "<!-- empathy-lint: {directive} {code} -->",
    ".liquid": "{{% comment %}} empathy-lint: {directive} {code} {{% endcomment %}}",
    ".yaml": "# empathy-lint: {directive} {code}",
    ".yml": "# empathy-lint: {directive} {code}",
}
LINE_COMMENTS_OK = {".md", ".markdown", ".html", ".liquid"}
# Containers whose text needs encoding (every structured format the readers know, so a
# new one cannot be missed here): an edit there is checked by reading it back.
STRUCTURED = frozenset(STRUCTURED_SUFFIXES)
IGNORE_COMMAND = "empathy-lint.ignoreInDocument"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _edit(uri: str, positions: Any, start: int, end: int, text: str) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: [types.TextEdit(range=positions.range(start, end), new_text=text)]})


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def _directive_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """What removing a directive comment takes out: its whole line when it stands alone
    on it (no blank line left behind), else the comment and the spaces before it."""
    line_start = _line_start(text, start)
    newline = _LINE_BREAK.search(text, end)
    line_end = newline.end() if newline else len(text)
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        return line_start, line_end
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    return start, end


def _container_safe(uri: str, text: str, start: int, end: int, new_text: str) -> str | None:
    """`new_text` encoded so the document still reads as the same replies (a quote in a
    CSV cell, a "#" in a YAML scalar), or None when no encoding keeps it whole."""
    name = Path(uri).name or "document"
    if Path(name).suffix.lower() not in STRUCTURED:
        return new_text
    from empathy_lint.write.safefix import safe_replacement

    return safe_replacement(name, text, Fix(start, end, new_text))


# A greeting that opens the body's first sentence on its own line ("Hi Sam, your order
# ..."): what the reply says starts after it.
_GREETING_OPENING = re.compile(
    r"(?:hi|hello|hey|hiya|dear|greetings|good (?:morning|afternoon|evening))\b[^,.!?\n]{0,40}?[,!:–—-]\s+",
    re.I)
_SENTENCE_END = ".!?…)\"'”’"


def insertion(text: str, finding: Finding, phrase: str, anchor: str | None = None) -> tuple[int, int, str]:
    """(start, end, new text) that writes a missing-content finding's suggested phrase
    where it belongs, as a sentence of the reply: after the body's last sentence for a
    rule anchored at the end (a follow-up, a next step; a sign-off on lines of its own),
    else before its first, after a greeting the sentence opens with ("Hi Sam, your order
    ..."). A sentence the phrase comes before starts with a capital; one it comes after
    gets its full stop."""
    if anchor is None:  # (a caller that does not know the rule: its family says)
        anchor = "end" if finding.family in ("follow-up", "next-steps") else "start"
    if anchor == "end":
        at = finding.end
        if "\n" in phrase:  # a block of its own ("Best,\n{your name}"), in the text's line breaks
            return at, at, ("\n\n" + phrase).replace("\n", _newline(text))
        ended = text[finding.start:at].rstrip()[-1:] in _SENTENCE_END
        return at, at, (" " if ended else ". ") + phrase
    at = finding.start
    greeting = _GREETING_OPENING.match(text, at, finding.end)
    if greeting and greeting.end() < finding.end:
        at = greeting.end()
    following = text[at:at + 1]
    if phrase.rstrip()[-1:] in ".!?" and following.isalpha() and following.islower():
        return at, at + 1, phrase + " " + following.upper()
    return at, at, phrase + " "


def _insertion_in_file(uri: str, text: str, finding: Finding, phrase: str,
                       anchor: str | None) -> tuple[int, int, str]:
    """`insertion` for a finding in a file: in a container (a JSON or CSV export) worked
    out on the reply's own text, where its line breaks are line breaks and its last line
    a name, then mapped back to the file (and encoded by `_container_safe`)."""
    name = Path(uri).name or "document"
    if Path(name).suffix.lower() in STRUCTURED:
        from empathy_lint.write.safefix import reply_view

        view = reply_view(name, text, finding.start, finding.end)
        if view is not None:
            local = dataclasses.replace(finding, start=view.start, end=view.end)
            start, end, new_text = insertion(view.text, local, phrase, anchor)
            return (*view.to_source(start, end), new_text)
    return insertion(text, finding, phrase, anchor)


def actions_for(uri: str, text: str, finding: Finding, positions: Any,
                diagnostic: types.Diagnostic | None, anchor: str | None = None) -> list[types.CodeAction]:
    """The quick fixes offered for one finding (none that would break the document);
    `anchor` is the rule's ("start" or "end"), for where a missing phrase goes."""
    diagnostics = [diagnostic] if diagnostic else None
    actions: list[types.CodeAction] = []
    if finding.kind == "directive":  # a stale suppression: take it out (not silence it with another)
        start, end = _directive_extent(text, finding.start, finding.end)
        safe = _container_safe(uri, text, start, end, "")
        if safe is not None:
            actions.append(types.CodeAction(title="Remove this suppression directive", kind=types.CodeActionKind.QuickFix,
                                            diagnostics=diagnostics, is_preferred=True,
                                            edit=_edit(uri, positions, start, end, safe)))
        return actions
    if finding.fix is not None:
        fix = finding.fix
        title = describe_fix(text, fix).rstrip(".")  # a menu entry, not a sentence
        safe = _container_safe(uri, text, fix.start, fix.end, fix.replacement)
        if safe is not None:
            actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=diagnostics,
                                            is_preferred=True, edit=_edit(uri, positions, fix.start, fix.end, safe)))
    if finding.kind == "require":
        for phrase in finding.suggestions[:2]:
            start, end, new_text = _insertion_in_file(uri, text, finding, phrase, anchor)
            safe = _container_safe(uri, text, start, end, new_text)
            if safe is None:
                continue
            actions.append(types.CodeAction(title=f'Insert "{phrase}"', kind=types.CodeActionKind.QuickFix,
                                            diagnostics=diagnostics, edit=_edit(uri, positions, start, end, safe)))
    suffix = Path(uri).suffix.lower()
    style = COMMENT_STYLES.get(suffix)
    if style is None:
        # Only macro files (COMMENT_STYLES), whose comments never reach a customer, take
        # a directive. A plain-text draft is sent as it stands: a directive written into
        # it would be sent too; JSON and CSV have no comment to hold one (their records
        # take a `disable` field). The server keeps the choice instead.
        actions.append(types.CodeAction(
            title=f"Ignore {finding.code} in this document", kind=types.CodeActionKind.QuickFix,
            diagnostics=diagnostics,
            command=types.Command(title=f"Ignore {finding.code} in this document", command=IGNORE_COMMAND,
                                  arguments=[uri, finding.code])))
    else:
        nl = _newline(text)
        if suffix in LINE_COMMENTS_OK:
            line_start = _line_start(text, finding.start)
            indent = re.match(r"[ \t]*", text[line_start:]).group()
            comment = indent + style.format(directive="disable-next-line", code=finding.code) + nl
            actions.append(types.CodeAction(title=f"Disable {finding.code} for this line", kind=types.CodeActionKind.QuickFix,
                                            diagnostics=diagnostics, edit=_edit(uri, positions, line_start, line_start, comment)))
        front = _FRONT_MATTER.match(text) if suffix in (".md", ".markdown") else None
        top = front.end() if front else 0
        comment = style.format(directive="disable", code=finding.code) + nl
        actions.append(types.CodeAction(title=f"Disable {finding.code} for this file", kind=types.CodeActionKind.QuickFix,
                                        diagnostics=diagnostics, edit=_edit(uri, positions, top, top, comment)))
    return actions
