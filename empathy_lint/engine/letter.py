"""Greetings and sign-offs: the frame around the body of a reply.

Missing content belongs inside the frame: an apology after "Hi Sam,", a follow-up
offer before "Regards, Ana". Agent initials at the end of social replies ("^HSB",
"-Becky", "*TMT") count as a sign-off too. The word lists are data, in
rules/context/letter.yaml.

Everything here reads one attribute table per doc (`Sentences`), not Token objects:
this runs on every reply that misses something, and a Token per word costs more
than the checks themselves.
"""
from __future__ import annotations

import functools
import itertools
import re
from typing import Callable, Iterator

from spacy.tokens import Doc

from empathy_lint.engine.pipeline import sentence_columns
from empathy_lint.rulebook import load_context

# A signature: at most this many lines under the sign-off, of at most this many words,
# each capitalised ("Customer Care Team"), a joining word ("Lead at Acme") or a contact
# (an email address, a phone number, a web address).
SIGNATURE_LINES = 4
SIGNATURE_WORDS = 6
_JOINING = frozenset({"at", "of", "the", "and", "for", "&", "|", "-", "–", "—"})
_CONTACT = re.compile(r"[@\d]|\.\w")


def _signature_word(word: str) -> bool:
    return word.istitle() or word.isupper() or word.lower() in _JOINING or bool(_CONTACT.search(word))


_INITIAL_MARKS = "^-*~/–—"
_INITIALS = re.compile(rf"^[{re.escape(_INITIAL_MARKS)}]\s*[A-Za-z]{{1,20}}$")
# Lower case and title case are read off the ORTH string (as spaCy computes them).


Phrases = dict[str, tuple[tuple[str, ...], ...]]  # first word -> the phrases it starts


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[int, int, Phrases, Phrases]:
    """(max_words, the longest greeting's length, greetings, sign-offs)."""
    data = load_context("letter.yaml")

    def index(phrases: list[str]) -> Phrases:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(phrase.lower().split())
            by_first.setdefault(words[0], []).append(words)
        return {first: tuple(group) for first, group in by_first.items()}

    greetings = index(data["greetings"])
    longest = max(len(p) for group in greetings.values() for p in group)
    return int(data["max_words"]), longest, greetings, index(data["signoffs"])


def _starts_with(words: list[str], phrases: Phrases, limit: int) -> bool:
    """Do `words` open with one of `phrases` and go on for at most `limit` more words?"""
    return any(tuple(words[: len(p)]) == p and len(words) - len(p) <= limit
               for p in phrases.get(words[0], ()))


class Sentences:
    """The sentences of one doc that hold a word, as (start, end) token ranges, with
    what the frame checks need to know of their tokens."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.strings = doc.vocab.strings
        columns = sentence_columns(doc)
        self.orths, self.puncts, self.spaces = columns.orths, columns.puncts, columns.spaces
        self.ranges: list[tuple[int, int]] = columns.sentences

    def _texts(self, sentence: tuple[int, int]) -> Iterator[str]:
        """The sentence's tokens that are neither space nor punctuation, as written, one
        at a time: a test of every word stops at the first that fails (most last
        sentences are long, and their first word says they are no sign-off)."""
        strings, orths, puncts, spaces = self.strings, self.orths, self.puncts, self.spaces
        return (strings[orths[i]] for i in range(*sentence) if not (spaces[i] or puncts[i]))

    def _words(self, sentence: tuple[int, int], at_most: int, mentions: bool = True) -> list[str]:
        """Lower-cased words (without @mentions if not `mentions`), no more than
        `at_most` + 1: enough to tell a sentence is too long to be a greeting."""
        words: list[str] = []
        strings, orths, puncts, spaces = self.strings, self.orths, self.puncts, self.spaces
        for i in range(*sentence):
            if spaces[i] or puncts[i]:
                continue
            word = strings[orths[i]].lower()
            if mentions or not word.startswith("@"):
                words.append(word)
                if len(words) > at_most:
                    break
        return words

    def _first_word(self, sentence: tuple[int, int], mentions: bool = True) -> str | None:
        words = self._words(sentence, 0, mentions)
        return words[0] if words else None

    def is_greeting(self, sentence: tuple[int, int]) -> bool:
        """A short sentence that only greets: "Hi Sam,", "Good morning!", or only
        addresses the customer ("@115712", the sentence a social reply opens with)."""
        limit, longest, greetings, _ = _lexicon()
        first = self._first_word(sentence, mentions=False)
        if first is None:
            return self._first_word(sentence) is not None
        if first not in greetings:
            return False
        words = self._words(sentence, limit + longest, mentions=False)
        return _starts_with(words, greetings, limit - 1)

    def is_signoff(self, sentence: tuple[int, int]) -> bool:
        """A short closing: "Regards, Ana", "Thanks!", or agent initials like "^HSB"."""
        limit, _, _, signoffs = _lexicon()
        texts = self._texts(sentence)
        first = next(texts, None)  # initials open with a mark: most sentences fail here
        if first is None or (first[:1] in _INITIAL_MARKS and _INITIALS.match(first)
                             and all(_INITIALS.match(text) for text in texts)):
            return True
        if sentence[1] - sentence[0] <= 8:
            opening = next((self.strings[self.orths[i]] for i in range(*sentence) if not self.spaces[i]), "")
            if opening[:1] in _INITIAL_MARKS and _INITIALS.match(self.doc[sentence[0]:sentence[1]].text.strip()):
                return True
        if self._first_word(sentence) not in signoffs:
            return False
        words = self._words(sentence, limit + 1)
        if _starts_with(words, signoffs, limit - 1) and len(words) <= limit + 1:
            return True
        # "Kind regards, Ana Lopez Customer Care Team Acme Inc.": the lines of a
        # signature, joined into one sentence when the reply's lines were reflowed.
        words = self._words(sentence, SIGNATURE_LINES * SIGNATURE_WORDS)
        phrase = next((p for p in signoffs[words[0]] if tuple(words[:len(p)]) == p), None)
        if phrase is None or len(words) > SIGNATURE_LINES * SIGNATURE_WORDS:
            return False
        return all(_signature_word(word) for word in itertools.islice(self._texts(sentence), len(phrase), None))

    def is_signature(self, sentence: tuple[int, int]) -> bool:
        """A signature line ("Ana Lopez", "Customer Care Team", "Support Lead at Acme",
        "ana@acme.com"): signs off when it follows a sign-off."""
        words = self._words(sentence, SIGNATURE_WORDS)
        return 0 < len(words) <= SIGNATURE_WORDS and all(_signature_word(text) for text in self._texts(sentence))

    def is_name_line(self, sentence: tuple[int, int], opens_line: Callable[[int], bool]) -> bool:
        """A line of its own that only names who writes ("Ana", "Ana Lopez", "The Acme
        Team", a `{{agent}}` placeholder read as a name): an email's last line signs it
        off with no closing word before it. Not a sentence that ends as one does ("Enjoy!").
        `opens_line(token)`: does the doc's token there open a line of the text as
        written (the linter reads a paragraph's single line breaks as spaces)?"""
        start, end = sentence
        start = next((i for i in range(start, end) if not self.spaces[i]), start)
        if not opens_line(start):
            return False
        if any(mark in self.doc[start:end].text for mark in ".!?,;:"):
            return False
        return self.is_signature(sentence)

    def ends_with_name(self, opens_line: Callable[[int], bool]) -> bool:
        """Is the last line the writer's name alone, under a body (`is_name_line`)?"""
        return len(self.ranges) > 1 and self.is_name_line(self.ranges[-1], opens_line)

    def body(self, opens_line: Callable[[int], bool]) -> list[tuple[int, int]]:
        """The sentences inside the frame: after a greeting, before a sign-off
        (`opens_line`: as for `is_name_line`)."""
        body = self.ranges
        first, last = 0, len(body)
        while last - first > 1 and self.is_greeting(body[first]):
            first += 1
        if last - first > 1 and self.is_name_line(body[last - 1], opens_line):
            last -= 1  # the name under the body, with no sign-off word above it
        while last - first > 1:
            if self.is_signoff(body[last - 1]):
                last -= 1
                continue
            # A signature of a few lines (name, role, team, company) under a sign-off.
            top = last
            while top - first > 2 and last - top < SIGNATURE_LINES and self.is_signature(body[top - 1]):
                top -= 1
            if top < last and self.is_signoff(body[top - 1]):
                last = top - 1
            else:
                break
        return body[first:last]
