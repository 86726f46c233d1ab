"""Masks for markup that is not prose: HTML tags and entities, markdown syntax."""
from __future__ import annotations

import html
import re

from empathy_lint.read.placeholders import Mask, apply_masks, merge_masks

_BLOCK_TAGS = r"(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|pre|hr)"
_HTML_BLOCK_TAG = re.compile(rf"</?{_BLOCK_TAGS}\b[^<>]*/?>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}(?P=fence)[ \t]*(?=\r?$)|\Z)", re.S | re.M)
# Bounded: an unclosed backtick must not make every later one scan to the end.
_INLINE_CODE = re.compile(r"(`{1,16})(?!`)[^`]{1,2000}?(?<!`)\1(?!`)")
# Link and image text holds no bracket: a wall of "[" is then linear, not quadratic.
# A link's target is bounded: unclosed links ("[a](b" again and again) made each one run
# to the end of the text, quadratic in a long reply.
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^)\n]{0,2000}\)")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\[\]\n]+)\](?P<target>\([^)\n]{0,2000}\)|\[[^\[\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.M)
_QUOTE = re.compile(r"^ {0,3}>[ \t]?", re.M)
_EMPHASIS = re.compile(r"(?<![\w*_])(\*\*|__|\*|_)(?=\S)|(?<=\S)(\*\*|__|\*|_)(?![\w*_])")


def html_comments(text: str) -> list[tuple[int, int]]:
    """Spans of <!-- ... --> comments, found with str.find: linear however many "<!--"
    a file holds (a regex would rescan to the end from each unclosed one)."""
    spans, pos = [], 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            return spans
        end = text.find("-->", start + 4)
        if end < 0:
            return spans
        spans.append((start, end + 3))
        pos = end + 3


# What an email client puts under a reply: the message answered, quoted. From the first
# of these to the end is theirs, not the writer's (Gmail, Outlook, Thunderbird, Yahoo).
_QUOTE_TRAIL = re.compile(r"<div\b[^<>]*(?:class=[\"'][^\"']*\b(?:gmail_quote|OutlookMessageHeader|moz-cite-prefix|"
                          r"yahoo_quoted)\b|id=[\"'](?:divRplyFwdMsg|appendonsend)[\"'])[^<>]*>", re.I)
_BLOCKQUOTE = re.compile(r"<(/?)blockquote\b[^<>]*>", re.I)
# The signature a mail client sets under the reply it writes (Gmail, Thunderbird, Outlook
# on the web): a title, a phone number, a tagline; not words written for this customer.
_SIGNATURE = re.compile(r"<(?:div|pre|span|table)\b[^<>]*(?:class=[\"'][^\"']*\b(?:gmail_signature|moz-signature)\b|"
                        r"id=[\"']Signature[\"'])[^<>]*>", re.I)


def quoted_html(text: str) -> list[tuple[int, int]]:
    """(start, end) of what an HTML reply quotes: each outermost <blockquote> (nested
    ones counted) and a mail client's quoted trail, to the end."""
    spans: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for tag in _BLOCKQUOTE.finditer(text):
        if not tag.group(1):
            if depth == 0:
                opened = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, tag.end()))
    if depth:  # unclosed: quoted to the end
        spans.append((opened, len(text)))
    trail = _QUOTE_TRAIL.search(text)
    if trail:
        spans = [span for span in spans if span[1] <= trail.start()] + [(trail.start(), len(text))]
    return spans


# (Anchored at the text's start, where it is matched: searched anywhere, its leading
# spaces made a run of 20,000 spaces quadratic, half a second.)
_OPENING_TAG = re.compile(r"\A\s*<[^<>]*>")
_QUOTE_DEPTH = 8  # quotes inside quotes read for older messages; deeper ones are left out


def html_text(text: str) -> str:
    """What an HTML body reads as (tags, entities and quoted parts handled as `html_masks`)."""
    return re.sub(r"\n{3,}", "\n\n", apply_masks(text, merge_masks(html_masks(text)))).strip()


def _quote_layers(quote: str, depth: int = 0) -> list[str]:
    """The texts of a quoted part (its opening tag left off), then of the quotes inside it."""
    opening = _OPENING_TAG.match(quote)
    body = quote[opening.end():] if opening else quote
    layers = [html_text(body)]
    if depth < _QUOTE_DEPTH:
        for start, end in quoted_html(body):
            layers += _quote_layers(body[start:end], depth + 1)
    return layers


def quoted_html_messages(text: str) -> tuple[str | None, str | None]:
    """(the message an HTML reply answers, the older ones): the first part it quotes (a
    <blockquote>, a mail client's trail), read past the client's "On ..., Dana wrote:"
    line, and the quotes inside it. (None, None) where it quotes nothing."""
    if "<" not in text:
        return None, None
    spans = quoted_html(text)
    if not spans:
        return None, None
    start, end = spans[0]
    layers = [layer for layer in _quote_layers(text[start:end])
              if layer and not (layer.endswith(":") and len(layer.split()) <= 20)]  # an attribution line
    if not layers:
        return None, None
    return layers[0], "\n\n".join(layers[1:]) or None


def html_masks(text: str) -> list[Mask]:
    """Tags become spaces (block tags: line breaks); entities become their character;
    what the reply quotes (a <blockquote>, a mail client's trail) is left out."""
    masks: list[Mask] = []
    if "<" in text:  # each search only where its opening character occurs at all
        quoted = quoted_html(text)
        signature = _SIGNATURE.search(text)
        if signature and not any(start <= signature.start() < end for start, end in quoted):
            # (Not one inside the message quoted: that one is the customer's.) From the
            # signature on, the text is masked; it stands as the "-- " line that signs the
            # email (EMP702), as a plain-text signature's does.
            quoted = [(start, end) for start, end in quoted if end <= signature.start()]
            masks.append((signature.start(), len(text), "\n\n-- \n"))
        masks += [(start, end, "\n\n") for start, end in quoted]
        masks += [(start, end, " ") for start, end in html_comments(text)]
        masks += [(m.start(), m.end(), "\n\n") for m in _HTML_BLOCK_TAG.finditer(text)]
        masks += [(m.start(), m.end(), " ") for m in _HTML_TAG.finditer(text)]
    if "&" in text:
        masks += [(m.start(), m.end(), html.unescape(m.group())) for m in _ENTITY.finditer(text)]
    return masks


def markdown_masks(text: str) -> list[Mask]:
    """Code, images, link targets, autolinks, heading/quote markers and emphasis markers."""
    masks: list[Mask] = []
    if "`" in text or "~~~" in text:  # each search only where its opening character occurs
        masks += [(m.start(), m.end(), "\n\n") for m in _FENCE.finditer(text)]
        masks += [(m.start(), m.end(), " ") for m in _INLINE_CODE.finditer(text)]
    if "[" in text:
        masks += [(m.start(), m.end(), " ") for m in _IMAGE.finditer(text)]
        for m in _LINK.finditer(text):
            masks.append((m.start(), m.start() + 1, ""))
            masks.append((m.start("target") - 1, m.end(), " "))
    if "<" in text:
        masks += [(m.start(), m.end(), " ") for m in _AUTOLINK.finditer(text)]
    if "#" in text:
        masks += [(m.start(), m.end(), "") for m in _HEADING.finditer(text)]
    if ">" in text:
        masks += [(m.start(), m.end(), "") for m in _QUOTE.finditer(text)]
    if "*" in text or "_" in text:
        masks += [(m.start(), m.end(), "") for m in _EMPHASIS.finditer(text)]
    return masks + html_masks(text)
