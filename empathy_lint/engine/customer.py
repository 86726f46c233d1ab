"""Read the customer's message: does it report a problem, and how strongly?

A small, explainable detector: cue groups named by meaning (failure, delay, money,
frustration, thanks, resolution...) from rules/context/customer.yaml, matched like rules,
and combined by weights fitted with logistic regression on labelled messages
(benchmarks/fit_customer.py). Rules gate on its verdict with
`when: {customer: problem}`; `CustomerDetector.explain` says which words were cues.
"""
from __future__ import annotations

import functools
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from spacy.attrs import IDX, IS_ALPHA, IS_STOP, IS_UPPER, LEMMA, LENGTH, LIKE_NUM, LIKE_URL, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.strings import hash_string

from empathy_lint.errors import RuleError
from empathy_lint.engine.confidence import logistic
from empathy_lint.engine.language import is_english, plainly_english
from empathy_lint.engine.matching import CHECK_IDS, PatternSet, uncancelled
from empathy_lint.engine.pipeline import get_nlp, sentence_columns, word_of
from empathy_lint.rulebook import context_path, load_context
from empathy_lint.engine.sentiment import Sentiment, sentiment_of
from empathy_lint.read.sources.base import no_surrogates
from empathy_lint.read.sources.conversation import split_messages
from empathy_lint.read.textmap import prepare

_HYPHEN = hash_string("-")  # the lemma of a hyphen split off between letters: a cheap first test


@dataclass
class CustomerSignal:
    """The detector's verdict on one customer message (read with the conversation's
    earlier customer messages, when there are any).

    `probability` is the fitted chance that the customer reports or is still in a
    problem; `verdict` is "problem", "no-problem" or "unsure" (between the fitted band's
    edges). `problem` is the two-way reading rules gate on, `fine` says there is nothing
    to fix or ask for. Which words were cues: `CustomerDetector.explain`."""

    problem: bool
    score: float
    fine: bool = False
    groups: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()  # content lemmas, for a reply that names them
    probability: float = 0.5
    verdict: str = "unsure"
    # Unsure verdicts only: the second model's score of the same evidence, to which the
    # agent's reply adds its own (`CustomerDetector.with_reply`). None: the verdict stands.
    open_score: float | None = None

    @property
    def sure(self) -> bool:
        return self.verdict != "unsure"


@dataclass(frozen=True)
class Evidence:
    """What one message shows, before any weight: cue groups, content lemmas and
    sentiment. Kept per distinct message (weights change between fits)."""

    groups: frozenset[str]
    words: frozenset[str]
    sentiment: Sentiment


def lexicon_path() -> Path:
    return context_path("customer.yaml")


# One read of the doc gives every column the evidence needs, as plain lists: messages
# are short, and a numpy step costs more than a Python pass over twenty tokens.
# The same read also gives the cue patterns' exact checks their columns (the message's
# doc has no sentencizer columns to take them from): the doc is read once, not twice.
_EVIDENCE_COLUMNS = [IS_ALPHA, IS_STOP, LEMMA, LENGTH, LIKE_NUM, LIKE_URL, IS_UPPER, LOWER]
_WORD_COLUMNS = _EVIDENCE_COLUMNS + [a for a in CHECK_IDS if a not in _EVIDENCE_COLUMNS]
_CONTENT_COLUMNS = _WORD_COLUMNS[:4]  # IS_ALPHA, IS_STOP, LEMMA, LENGTH: all _content reads
_CHECK_AT = [_WORD_COLUMNS.index(a) for a in CHECK_IDS]  # where each check column sits in the read


def _cue_texts(text: str, found: dict[str, set[tuple[int, int]]], doc: Any) -> list[str]:
    """"group: words" for each match, cut from the text by token offsets (no Span objects)."""
    if not len(doc):
        return []
    columns = doc.to_array([IDX, LENGTH])
    idx, length = columns[:, 0], columns[:, 1]
    return [f"{label}: {text[idx[start]:idx[end - 1] + length[end - 1]]}"
            for (start, end), label in sorted((span, label) for label, spans in found.items() for span in spans)]

# Evidence computed here, not matched: their weights are fitted like the groups'.
# A message that takes many words usually tells a story of something gone wrong; a few
# words are often an answer in a thread ("Yes it is").
LONG_MESSAGE_WORDS = 15
SHORT_MESSAGE_WORDS = 6
# Distinct customer messages whose verdicts are kept (a few megabytes at most).
MEMO_SIZE = 8192
# How much of a message (or of a canned reply, for what it answers) is read: far more
# than any real message, far under spaCy's 1,000,000-character limit.
READ_CHARS = 100_000
CONTENT_MEMO_SIZE = 100_000
_UNKNOWN = object()


def weights_path() -> Path:
    return context_path("customer-weights.yaml")


# Features computed from the numbers of a message rather than matched.
SENTIMENT_FEATURES = ("vader-negative", "vader-positive", "vader-compound")
EARLIER = "earlier-"  # prefix: the same evidence in the conversation's earlier customer messages
THREAD = "thread"     # the message answers on in a conversation
REPLY = "reply"       # the agent's reply was read too (its groups are `reply-*`)
# Thanks, praise or a resolution said in an ongoing conversation close the matter (rubric
# v2: "it came back on this morning" is no problem), more surely than in a first message,
# where thanks often opens a complaint: their own features, `in-thread-*`.
IN_THREAD = "in-thread-"
CLOSING = ("resolution", "thanks", "praise")
# The `canned_reply` cues whose words are no trouble the customer met: a way to contest
# the macro's decision, help offered for later, regret at their leaving, what a tracker
# is for ("for bugs only"). Trouble words inside them are cancelled, as a rule's
# `except` cancels its matches.
NOT_TROUBLE = ("appeal", "offer", "farewell", "scope")


def _cue_groups(nlp: Language, groups: list[dict[str, Any]], where: str) -> tuple[list[str], PatternSet]:
    """The labels of a list of cue groups, in order, and their patterns compiled together."""
    labels, patterns = [], PatternSet(nlp)
    for group in groups:
        label = group["label"]
        labels.append(label)
        for pattern in group["patterns"]:
            patterns.add(label, pattern, lambda detail, label=label: RuleError(f"{where} {label}: {detail}"))
    patterns.finish()
    return labels, patterns


def linear_score(bias: float, weights: dict[str, float], lemmas: dict[str, float],
                 values: dict[str, float], words: frozenset[str]) -> float:
    """A fitted model's score: bias + weight x value of each named feature + the weight of
    each content lemma. fsum: the exactly rounded sum, whatever order the sets give the
    terms in (set order follows string hashing, which differs between processes)."""
    return math.fsum([bias, *(weights.get(name, 0.0) * value for name, value in values.items()),
                      *(lemmas.get(word, 0.0) for word in words)])


def model_numbers(fitted: dict[str, Any]) -> tuple[float, dict[str, float], dict[str, float], tuple[float, float]]:
    """(bias, named weights, lemma weights, unsure band) of a fitted weights file."""
    band = fitted.get("unsure") or [0.5, 0.5]
    return (float(fitted.get("bias", 0.0)),
            {str(k): float(v) for k, v in (fitted.get("weights") or {}).items()},
            {str(k): float(v) for k, v in (fitted.get("lemmas") or {}).items()},
            (float(band[0]), float(band[1])))


@dataclass
class ReplyModel:
    """Weights of the customer's evidence and the agent's reply together, fitted beside
    the detector's own (benchmarks/fit_customer.py). They decide only where the
    customer's words leave the verdict unsure: a sure "problem" stands whatever the
    draft says, so "Glad to hear it!" under "the app keeps crashing" is still asked for
    an apology."""

    bias: float = 0.0
    weights: dict[str, float] = field(default_factory=dict)
    lemmas: dict[str, float] = field(default_factory=dict)
    band: tuple[float, float] = (0.5, 0.5)

    @classmethod
    def of(cls, fitted: dict[str, Any]) -> "ReplyModel":
        return cls(*model_numbers(fitted))

    def score(self, values: dict[str, float], words: frozenset[str]) -> float:
        """The customer's part of the score (the reply's groups are added by `with_reply`)."""
        return linear_score(self.bias, self.weights, self.lemmas, values, words)


class CustomerDetector:
    """Cue groups, VADER sentiment and content lemmas of the customer's messages,
    combined by weights fitted with logistic regression (benchmarks/fit_customer.py)."""

    def __init__(self, nlp: Language, lexicon: dict[str, Any], source: str = "customer.yaml",
                 fitted: dict[str, Any] | None = None, reply_fitted: dict[str, Any] | None = None) -> None:
        self.nlp = nlp
        fitted = fitted if fitted is not None else load_context("customer-weights.yaml") or {}
        self.bias, self.weights, self.lemma_weights, (self.unsure_low, self.unsure_high) = model_numbers(fitted)
        self.threshold = float(fitted.get("threshold", 0.5))
        self.fine_below = float(fitted.get("fine_below", 0.0))
        # The second model, for messages the first leaves unsure: the same evidence and
        # the agent's reply (customer-reply-weights.yaml).
        self.reply_model = ReplyModel.of(reply_fitted if reply_fitted is not None
                                         else load_context("customer-reply-weights.yaml") or {})
        labels, self.patterns = _cue_groups(nlp, lexicon.get("groups", []), f"{source}: group")
        self.group_labels: list[str] = [*(str(b) for b in lexicon.get("builtin", [])), *labels]
        # What the agent's reply shows of the matter (`reply:`): read in the linter's pass
        # over the reply, weighed by the second model (`with_reply`).
        self.reply_labels, self.reply_patterns = _cue_groups(nlp, lexicon.get("reply", []), f"{source}: reply")
        self._memo: dict[str, Evidence] = {}
        self._content_of: dict[int, str | None] = {}  # lemma hash -> content word (None: not one)
        self.generic = frozenset(str(w) for w in lexicon.get("echo", {}).get("ignore", ()))
        self.request_openers = tuple(tuple(str(p).lower().split()) for p in lexicon.get("echo", {}).get("not_in_requests", ()))
        self.request_first_words = frozenset(opener[0] for opener in self.request_openers if opener)
        self.root_letters = int(lexicon.get("echo", {}).get("root_letters", 0))
        canned = lexicon.get("canned_reply", {})
        self.canned = PatternSet(nlp)
        for label in ("fine", "trouble", "refund", *NOT_TROUBLE, "no_fault"):
            for pattern in canned.get(label, []):
                self.canned.add(label, pattern, lambda detail: RuleError(f"{source}: canned_reply: {detail}"))
        self.canned.finish()

    @property
    def labels(self) -> list[str]:
        """Every named kind of evidence, in a fixed order (the fit script's feature columns;
        content lemmas come after these)."""
        own = [*self.group_labels, *SENTIMENT_FEATURES]
        return [*own, THREAD, *(IN_THREAD + label for label in CLOSING), *(EARLIER + label for label in own)]

    @property
    def reply_feature_labels(self) -> list[str]:
        """The named evidence of the agent's reply, after `labels` in the second model's columns."""
        return [REPLY, *self.reply_labels]

    def canned_problems(self, replies: list[str],
                        titles: list[str | None] | None = None) -> list[tuple[bool | None, bool]]:
        """What canned replies' own words say they answer, and whether they say it surely:
        (True, sure) for trouble (a crash, an outage, a delay; a refund unless the macro's
        own words say it answers no problem, as a how-to does), (False, sure) for a
        contribution, a welcome or a how-to with no sign of trouble, (None, unsure) when
        they do not say.
        Trouble words an appeal overlaps ("if you think we did this in error") name no
        trouble: they say how to contest the macro's decision; nor do those of an offer for
        later ("let me know if you have any trouble!" under a how-to), nor regret that the
        customer is leaving ("sorry to see you go!"). A macro that finds no fault
        ("after review, this is working as intended") answers a report, so trouble words
        still make it a problem (readers want the apology), but not a sure one: what rests
        on it is only `info`. Where its words do not say, trouble named in the macro's
        title ("Shipping delay", "Wrong item received") does (`canned_title`)."""
        return [verdict[:2] for verdict in self.canned_verdicts(replies, titles)]

    def canned_verdicts(self, replies: list[str],
                        titles: list[str | None] | None = None) -> list[tuple[bool | None, bool, bool]]:
        """canned_problems, each with whether the title decided it (`canned_verdict`)."""
        # (With sentences, as in the linter's pass: a how-to's "To return an item:" opens
        # a sentence after a greeting.)
        titles = titles or [None] * len(replies)
        return [self.canned_verdict(doc, title)
                for doc, title in zip(self._read_replies(replies, sentences=True), titles)]

    def canned_verdict(self, doc: Any, title: str | None = None) -> tuple[bool | None, bool, bool]:
        """canned_problems for one reply's doc (the linter's own, in its pass: a macro
        collection's replies are not read twice), and whether the title decided it (the
        finding says so)."""
        found, cancel = self._canned_cues(doc)
        trouble = uncancelled(found.get("trouble", ()), cancel)  # as a rule's `except`
        if not trouble and not found.get("fine"):  # a refund is trouble unless the macro says otherwise
            trouble = uncancelled(found.get("refund", ()), cancel)
        if trouble:
            return True, not found.get("no_fault"), False
        if found.get("fine"):
            return False, True, False
        if title and self._title_names_trouble(title):
            return True, True, True
        return None, False, False

    def _title_names_trouble(self, title: str) -> bool:
        """Does a macro's title name trouble ("Shipping delay", "Wrong item received")?
        Only the `trouble` cues count: a title's other words are a category more than a
        verdict ("Refunds::Policy" is a how-to's, "Issue or PR: send for help" answers a
        report, not a contribution). One that finds no fault ("Question, not a bug")
        names none."""
        found, cancel = self._canned_cues(next(iter(self._read_replies([canned_title(title)], sentences=True))))
        if found.get("no_fault"):  # "Question, not a bug", "Error: works as intended"
            return False
        return bool(uncancelled(found.get("trouble", ()), cancel))

    def _canned_cues(self, doc: Any) -> tuple[dict[str, Any], list[tuple[int, int]]]:
        """The `canned_reply` cue groups found in `doc`, and the spans whose trouble words
        name no trouble the customer met (NOT_TROUBLE: an appeal, an offer, ...)."""
        found = self.canned.matches(doc)
        return found, [span for label in NOT_TROUBLE for span in found.get(label, ())]

    def detect(self, text: str, earlier: str | None = None) -> CustomerSignal:
        return self.detect_many([text], [earlier])[0]

    def detect_many(self, texts: list[str], earlier: list[str | None] | None = None) -> list[CustomerSignal]:
        """Verdicts for many messages in one stream (no sentence splitting: cues need none).
        `earlier[i]`, when given, holds the conversation's earlier customer messages for
        `texts[i]` ("I did." answers on about a double charge told before).

        The evidence of the last MEMO_SIZE distinct messages is kept: a ticket export read a
        window at a time meets the same short answers ("Yes", "Thanks!", "DM sent") again
        and again."""
        earlier = earlier or [None] * len(texts)
        # Each earlier message is read on its own and remembered: the rows of one
        # conversation in an export share their earlier messages.
        parts = [split_messages(e) for e in earlier]
        evidence = self.evidence_many([*texts, *(m for p in parts for m in p)])
        verdicts = []
        for text, messages in zip(texts, parts):
            before = _combined([evidence[m] for m in messages]) if messages else None
            signal = self._verdict(evidence[text], before)
            if before is not None:  # a reply may name what the customer said earlier
                signal.words = signal.words | before.words
            signal.words = _not_addressed(signal.words, text, *messages)
            verdicts.append(signal)
        return verdicts

    def evidence_many(self, texts: list[str]) -> dict[str, Evidence]:
        """Evidence per distinct text, read through the pipeline once each."""
        memo = self._memo
        fresh = [t for t in dict.fromkeys(texts) if t not in memo]
        # Exports of social posts keep HTML escapes ("&gt;All of X IS DOWN&lt;"): unescape,
        # so the words are words (this text is only read, never pointed into).
        plain = [prepare(no_surrogates(html.unescape(t[:READ_CHARS]))).text for t in fresh]
        docs = self.nlp.pipe(plain, disable=["empathy_sentencizer"])
        for text, doc, plain_text in zip(fresh, docs, plain):
            memo[text] = self._evidence(doc, plain_text)
        found = {t: memo[t] for t in texts}
        while len(memo) > MEMO_SIZE:
            memo.pop(next(iter(memo)))  # the oldest first (dicts keep insertion order)
        return found

    def features(self, now: Evidence, before: Evidence | None) -> dict[str, float]:
        """The named feature values of a message (zeros left out); lemmas not included."""
        values: dict[str, float] = dict.fromkeys(now.groups, 1.0)
        for name, value in zip(SENTIMENT_FEATURES, _sentiment_values(now.sentiment)):
            if value:
                values[name] = value
        if before is not None:
            values[THREAD] = 1.0
            for label in CLOSING:
                if label in now.groups:
                    values[IN_THREAD + label] = 1.0
            for label in before.groups:
                values[EARLIER + label] = 1.0
            for name, value in zip(SENTIMENT_FEATURES, _sentiment_values(before.sentiment)):
                if value:
                    values[EARLIER + name] = value
        return values

    def _verdict(self, now: Evidence, before: Evidence | None = None) -> CustomerSignal:
        """The verdict from a message's evidence, by the weights as they are now (the fit
        script changes them between runs)."""
        values = self.features(now, before)
        signal = self.judge(linear_score(self.bias, self.weights, self.lemma_weights, values, now.words),
                            now.groups, now.words)
        if signal.verdict == "unsure" and self.reply_model.weights:
            signal.open_score = self.reply_model.score(values, now.words)
        return signal

    def judge(self, score: float, groups: frozenset[str] = frozenset(),
              words: frozenset[str] = frozenset(), band: tuple[float, float] | None = None) -> CustomerSignal:
        """The verdict a score gives, by the fitted threshold, band and `fine_below`."""
        probability = logistic(score)
        low, high = band or (self.unsure_low, self.unsure_high)
        verdict = "problem" if probability >= high else "no-problem" if probability <= low else "unsure"
        fine = probability < self.fine_below  # nothing to fix: then no apology is due either
        return CustomerSignal(problem=probability >= self.threshold and not fine, score=score, fine=fine,
                              groups=groups, words=words, probability=probability, verdict=verdict)

    def reply_groups(self, doc: Any) -> frozenset[str]:
        """The `reply:` groups the agent's reply shows (its doc from the linter's pass)."""
        return frozenset(label for label, spans in self.reply_patterns.matches(doc).items() if spans)

    def reply_groups_many(self, replies: list[str]) -> list[frozenset[str]]:
        """reply_groups of replies read here (for fit and evaluation scripts; the linter
        reads the doc it already has)."""
        return [self.reply_groups(doc) for doc in self._read_replies(replies)]

    def _read_replies(self, replies: list[str], sentences: bool = False) -> Any:
        """Docs of replies read here, without sentences unless asked (the reply cues need
        none). Only the start of a reply says what it answers; a text past spaCy's limit
        (a data file met in a walk) must not stop the run here."""
        return self.nlp.pipe((prepare(no_surrogates(r[:READ_CHARS])).text for r in replies),
                             disable=[] if sentences else ["empathy_sentencizer"])

    def with_reply(self, open_score: float, groups: frozenset[str]) -> CustomerSignal:
        """The verdict on a message the customer's words left unsure (its `open_score`)
        once the agent's reply is read too, by the second model."""
        model = self.reply_model
        score = linear_score(open_score, model.weights, {}, dict.fromkeys((REPLY, *groups), 1.0), frozenset())
        return self.judge(score, band=model.band)

    def _evidence(self, doc: Any, text: str) -> Evidence:
        """The cue groups found in a message, the matched words, its content words, its sentiment."""
        if not len(doc):
            return Evidence(frozenset(), frozenset(), Sentiment())
        columns = doc.to_array(_WORD_COLUMNS).T.tolist()
        found = self.patterns.matches(doc, columns=[columns[i] for i in _CHECK_AT])
        groups = {label for label, spans in found.items() if spans}  # each group is its own evidence
        alpha, stop, _, length, number, url, upper, lower = columns[:len(_EVIDENCE_COLUMNS)]
        words = sum(alpha)
        if words >= LONG_MESSAGE_WORDS:
            groups.add("long")
        elif words < SHORT_MESSAGE_WORDS:
            groups.add("short")
        if any(number) or any(url):
            groups.add("detail")
        if any(upper) and any(u and a and n >= 4 for u, a, n in zip(upper, alpha, length)):
            groups.add("shouting")
        if not plainly_english(sum(stop), words) and not is_english(text):
            groups.add("other-language")
        return Evidence(frozenset(groups), self._content(doc, columns), sentiment_of(doc, (lower, upper, alpha)))

    def explain(self, text: str) -> list[str]:
        """"group: words" for each cue group matched in a message, for people and tests."""
        plain = prepare(html.unescape(text)).text
        doc = next(iter(self.nlp.pipe([plain], disable=["empathy_sentencizer"])))
        return _cue_texts(plain, self.patterns.matches(doc), doc)

    def content_words(self, doc: Any, left_out: Iterable[tuple[int, int]] = ()) -> frozenset[str]:
        """Lemmas that carry the message's content ("battery", "refund", "charge"): no
        stop words, no handles or links, none of the generic support words (`echo.ignore`).
        The token ranges `left_out` are not read (a reply's requests: `request_sentences`)."""
        if not len(doc):
            return frozenset()
        columns = doc.to_array(_CONTENT_COLUMNS).T.tolist()
        alpha = columns[0]
        for start, end in left_out:
            alpha[start:end] = [0] * (end - start)  # (the other columns keep their places)
        return self._content(doc, columns)

    def request_sentences(self, doc: Any) -> list[tuple[int, int]]:
        """The token ranges of a reply's sentences that open with a request
        (`echo.not_in_requests`: "Could you DM us your account email?" asks for the
        account; it does not name the customer's matter)."""
        columns = sentence_columns(doc)
        return [(start, end) for start, end in columns.sentences
                if self._is_request(doc, columns.orths, start, end)]

    def _is_request(self, doc: Any, orths: list[int], start: int, end: int) -> bool:
        """Does the sentence doc[start:end] open with a request ("Please", "Could you")?
        Read from the ORTH column, each distinct spelling lowercased once (`word_of`: no
        Token object per sentence, and every reply of an export with customer messages
        asks this)."""
        words: list[str] = []
        strings = doc.vocab.strings
        for orth in orths[start:min(end, start + 6)]:
            word = word_of(orth, strings)
            if word is not None:
                if not words and word not in self.request_first_words:
                    return False
                words.append(word)
                if len(words) == 3:
                    break
            elif words:
                break  # the opening run of words only
        return any(tuple(words[:len(opener)]) == opener for opener in self.request_openers)

    def _content(self, doc: Any, columns: list[list[int]]) -> frozenset[str]:
        """content_words from the attribute columns (IS_ALPHA, IS_STOP, LEMMA, LENGTH
        first): only the distinct lemmas of long enough words are looked up (no Token
        object per word)."""
        known = self._content_of
        found = set()
        kept = {lemma for alpha, stop, lemma, length in zip(*columns[:4]) if alpha and not stop and length > 2}
        for lemma in kept:
            word = known.get(lemma, _UNKNOWN)
            if word is _UNKNOWN:  # each lemma's verdict is worked out once
                word = doc.vocab.strings[lemma].lower()
                if word in self.generic or word in STOP_WORDS:
                    word = None
                if len(known) >= CONTENT_MEMO_SIZE:
                    known.clear()
                known[lemma] = word
            if word is not None:
                found.add(word)
        if _HYPHEN in columns[2]:  # "Wi-Fi" is the customer's "wifi", "e-mail" their "email"
            found.update(self._joined_compounds(doc, columns))
        return frozenset(found)

    def _joined_compounds(self, doc: Any, columns: list[list[int]]) -> set[str]:
        """Words joined by a hyphen with no space ("Wi-Fi", "pre-order"), spelled as one:
        informal writing drops the hyphen. Tokens are made only at the hyphens."""
        alpha, lemmas, joined = columns[0], columns[2], set()
        for i in range(1, len(lemmas) - 1):
            if lemmas[i] == _HYPHEN and alpha[i - 1] and alpha[i + 1]:
                before, hyphen, after = doc[i - 1], doc[i], doc[i + 1]
                if not before.whitespace_ and not hyphen.whitespace_ and not (before.is_stop or after.is_stop):
                    word = before.lower_ + after.lower_
                    if len(word) > 2 and word not in self.generic and word not in STOP_WORDS:
                        joined.add(word)
        return joined


# What joins the words of a macro's name where a sentence has spaces: "shipping_delay",
# "damaged-item", "Orders::Late delivery", "Billing/Refund issued".
TITLE_CHARS = 200  # a title says what a macro is for in a few words; past this it is text
_NAME_JOINS = re.compile(r"[_/|>:]+|(?<=[a-z])-(?=[a-z])|(?<=[a-z])(?=[A-Z][a-z])")


def canned_title(name: str) -> str:
    """A macro's name as the words of a heading: the name its author gave the situation
    it answers ("Shipping delay", "damaged_item", "Returns::WrongItem") says what a
    macro is for where its body does not ("Your order is held up at the depot")."""
    return _NAME_JOINS.sub(" ", name[:TITLE_CHARS]).strip()


@functools.lru_cache(maxsize=1)
def default_detector() -> CustomerDetector:
    return CustomerDetector(get_nlp(), load_context("customer.yaml"), str(lexicon_path()))


def detect(text: str, earlier: str | None = None) -> CustomerSignal:
    """Verdict on a customer message (and the conversation's earlier customer messages)
    with the built-in lexicon and weights."""
    return default_detector().detect(text, earlier)


def detect_many(texts: list[str], earlier: list[str | None] | None = None) -> list[CustomerSignal]:
    """Verdicts on many customer messages, streamed through the pipeline together."""
    return default_detector().detect_many(texts, earlier) if texts else []


def _combined(parts: list[Evidence]) -> Evidence:
    """The evidence of several messages: every group and word any of them shows, their
    mean sentiment."""
    if len(parts) == 1:
        return parts[0]
    n = len(parts)
    sentiment = Sentiment(math.fsum(p.sentiment.negative for p in parts) / n,
                          math.fsum(p.sentiment.positive for p in parts) / n,
                          math.fsum(p.sentiment.compound for p in parts) / n)
    return Evidence(frozenset().union(*(p.groups for p in parts)), frozenset().union(*(p.words for p in parts)),
                    sentiment)


def _sentiment_values(sentiment: Sentiment) -> tuple[float, float, float]:
    return sentiment.negative, sentiment.positive, sentiment.compound


_HANDLE = re.compile(r"@(\w{4,})")
BRAND_MIN = 4  # "app" in "@AppSupport" is a word of theirs too; a brand is longer


def _not_addressed(words: frozenset[str], *texts: str) -> frozenset[str]:
    """The customer's words less the names of the accounts they write to: "Spotify" in
    a message to @SpotifyCares names the company, so a reply that says "Spotify" has not
    named their matter (4 of 4 tune replies credited by that word alone were labelled
    unacknowledged)."""
    if not words:
        return words
    # One string of every handle, so each word is one substring test (an export has
    # 40,000 rows of threads: a test per word and handle cost a tenth of its time).
    handles = "\n".join(h for text in texts if "@" in text for h in _HANDLE.findall(text)).lower()
    if not handles:
        return words
    named = [w for w in words if len(w) >= BRAND_MIN and w in handles]
    return words.difference(named) if named else words


def content_words(doc: Any, left_out: Iterable[tuple[int, int]] = ()) -> frozenset[str]:
    """Content lemmas of a reply's doc, by the same test as a customer message's."""
    return default_detector().content_words(doc, left_out)


def shared_roots(mine: frozenset[str], theirs: frozenset[str]) -> int:
    """How many words two sets share, a word compared by its root (`echo.root_letters`
    first letters: "delivered" is "delivery"), so one word said two ways counts once."""
    letters = default_detector().root_letters
    if not letters:
        return len(mine & theirs)
    return len({w[:letters] for w in mine} & {w[:letters] for w in theirs})


def request_sentences(doc: Any) -> list[tuple[int, int]]:
    """The token ranges of a reply's sentences that ask for something (see the method)."""
    return default_detector().request_sentences(doc)


def canned_verdicts(replies: list[str], titles: list[str | None] | None = None) -> list[tuple[bool | None, bool, bool]]:
    """canned_problems, each with whether the macro's title decided it."""
    return default_detector().canned_verdicts(replies, titles) if replies else []


def canned_problems(replies: list[str], titles: list[str | None] | None = None) -> list[tuple[bool | None, bool]]:
    """With no customer message: does each canned reply answer a problem (None: its
    words, and its title where given, do not say), and is that sure? In one stream
    through the pipeline."""
    return default_detector().canned_problems(replies, titles) if replies else []
