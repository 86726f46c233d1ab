"""Run compiled rules over a reply and turn matches (or their absence) into findings."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from spacy.tokens import Doc

from empathy_lint.engine.confidence import PRESENCE, WORD, default_model as default_confidence, reply_facts
from empathy_lint.config import Config
from empathy_lint.errors import InputError, RuleError
from empathy_lint.findings import Finding, Fix, by_place, locate
from empathy_lint.engine.language import detect_language, plainly_english
from empathy_lint.engine.letter import Sentences
from empathy_lint.engine.matching import compile_rules, language_key
from empathy_lint.engine.pipeline import get_nlp, has_unspaced_script, reply_lemmas, sentence_columns, unspaced_doc
from empathy_lint.read.boilerplate import disclaimer_spans, signature_spans
from empathy_lint.read.placeholders import Mask, find_placeholders, merge_masks
from empathy_lint.rulebook import Rule, channel_profiles
from empathy_lint.read.suppressions import directive_masks
from empathy_lint.read.sources.conversation import own_words
from empathy_lint.read.sources.quotes import quote_spans
from empathy_lint.read.textmap import MappedText, identity, prepare


@dataclass
class Context:
    """What the reply answers and where it goes; rules gate on it with `when:`.

    `problem` is True/False when the customer message (or a canned reply's own words)
    is judged, None when nothing tells. `fine` says the message (or a canned
    reply's own words) shows there is nothing to fix: no acknowledgement, next step or
    follow-up is asked for then. A message can be neither a problem (no apology due)
    nor fine (a question still wants an answer and a next step).
    """

    kind: str = "live"
    channel: str | None = None
    customer: str | None = None
    problem: bool | None = None
    customer_words: frozenset[str] = frozenset()
    fine: bool = False
    # The detector's fitted chance of a problem, and whether its verdict is sure: what a
    # finding's confidence rests on (None: no customer message was read).
    probability: float | None = None
    sure: bool = False
    # Where the customer's messages leave the verdict unsure: the score the agent's reply
    # is added to (the linter reads the reply in its own pass: `read_reply`). None once
    # read, where the verdict is sure, or with no customer message.
    open_score: float | None = None
    # The verdict was left unsure by the customer's messages and decided with the agent's
    # reply (`read_reply`): a finding that rests on it is less sure than one on their words.
    by_reply: bool = False
    # A canned reply with no customer message, judged by its own words in the linter's
    # pass over it (`read_reply`), not read a second time for it; and by its title
    # where they do not say (`canned_title`).
    canned_open: bool = False
    title: str | None = None
    # The macro's title, not its words, said it answers trouble: a finding that rests on
    # that says so.
    by_title: bool = False

    @classmethod
    def judged(cls, signal: Any, customer: str, kind: str = "live", channel: str | None = None) -> "Context":
        """A context for a reply to `customer`, whose detector verdict is `signal`."""
        return cls(kind=kind, channel=channel, customer=customer, problem=signal.problem,
                   customer_words=signal.words, fine=signal.fine, probability=signal.probability,
                   sure=signal.sure, open_score=signal.open_score)

    def read_reply(self, doc: Doc) -> "Context":
        """Where the customer's messages leave it unsure, this context with the verdict
        they and the agent's reply give together ("Is the store open Sunday?" answered
        "Yes, 9-5. Have a great weekend!" asks nothing more). Read once: the result has
        no `open_score` left to add to. A canned reply with no customer message is judged
        here by its own words (`canned_problems`)."""
        if not self.canned_open and self.open_score is None:
            return self
        from empathy_lint.engine.customer import default_detector

        detector = default_detector()
        if self.canned_open:
            problem, sure, by_title = detector.canned_verdict(doc, self.title)
            return dataclasses.replace(self, problem=problem, fine=problem is False, sure=sure, canned_open=False,
                                       by_title=by_title)
        signal = detector.with_reply(self.open_score, detector.reply_groups(doc))
        return dataclasses.replace(self, problem=signal.problem, fine=signal.fine,
                                   probability=signal.probability, sure=signal.sure, open_score=None, by_reply=True)

    @classmethod
    def for_reply(cls, customer: str | None = None, kind: str = "live",
                  channel: str | None = None, reply: str | None = None,
                  earlier: str | None = None, title: str | None = None) -> "Context":
        """A context whose `problem` is judged from the customer message, if any, read with
        the conversation's `earlier` customer messages.

        Without one, a canned `reply` is judged by its own words: trouble ("the crash",
        "your refund") is a problem; only a contribution ("Thanks for your pull
        request!") is fine; otherwise its `title` ("Shipping delay"), else unknown.
        """
        return cls.many([(customer, kind, channel, reply, earlier, title)])[0]

    @classmethod
    def many(cls, rows: list[tuple], canned_in_pass: bool = False) -> list["Context"]:
        """for_reply for many (customer, kind, channel, reply[, earlier[, title]]) rows: the customer
        messages, and the canned replies judged by their own words, each go through the
        pipeline in one stream (one call per message cost an export a quarter of its time).
        A row with earlier customer messages but none of its own is judged by them, as its message.
        With `canned_in_pass` (a caller that lints the replies next), a canned reply with no
        customer message is judged in the linter's pass over it (`read_reply`) instead:
        reading it here too cost a macro collection a sixth of its time."""
        from empathy_lint.engine.customer import canned_verdicts, detect_many

        customers: list[str | None] = []
        earliers: list[str | None] = []
        for row in rows:
            customer, earlier = row[0], (row[4] if len(row) > 4 else None)
            # Answering by email, a customer quotes the conversation so far: their own
            # words say whether they are still in a problem, whichever front-end or
            # reader the message came from. (Earlier messages are read so per message,
            # before they are joined: conversation.message_text, `--customer` files.)
            customer = own_words(customer) if customer else customer
            customer = customer if customer and customer.strip() else None
            earlier = earlier if earlier and earlier.strip() else None
            customers.append(customer or earlier)
            earliers.append(earlier if customer else None)
        asked = [i for i, c in enumerate(customers) if c]
        verdicts = iter(detect_many([customers[i] for i in asked], [earliers[i] for i in asked]))
        canned = [i for i, (c, row) in enumerate(zip(customers, rows))
                  if c is None and row[1] == "canned" and row[3]]
        if canned_in_pass:
            waiting = set(canned)
            problems: dict[int, tuple[bool | None, bool, bool]] = {}
        else:
            waiting = set()
            problems = dict(zip(canned, canned_verdicts([rows[i][3] for i in canned],
                                                        [_title(rows[i]) for i in canned])))
        contexts = []
        for i, (customer, row) in enumerate(zip(customers, rows)):
            kind, channel = row[1], row[2]
            if customer:
                contexts.append(cls.judged(next(verdicts), customer, kind, channel))
            elif i in waiting:
                contexts.append(cls(kind=kind, channel=channel, canned_open=True, title=_title(row)))
            else:
                problem, sure, by_title = problems.get(i, (None, False, False))
                contexts.append(cls(kind=kind, channel=channel, problem=problem, fine=problem is False, sure=sure,
                                    title=_title(row), by_title=by_title))
        return contexts

    def expects_problem(self) -> bool:
        """Is this reply answering a problem? Unknown: live replies are assumed to."""
        if self.problem is not None:
            return self.problem
        return self.kind == "live"

    def assumes_problem(self) -> bool:
        """A live reply whose customer verdict is unknown (no message read): that it
        answers a problem is assumed, so what rests on that verdict is only a hint."""
        return self.problem is None and self.kind == "live"


def _title(row: tuple) -> str | None:
    """A Context.many row's title (its sixth place), if it has one."""
    return row[5] if len(row) > 5 and isinstance(row[5], str) else None


def rule_applies(rule: Rule, context: Context) -> bool:
    """Do the rule's `when:` gates and the channel profile allow it in this context?"""
    if context.channel and rule.id in channel_profiles().get(context.channel, {}).get("disable", ()):
        return False
    when = rule.when
    if "kind" in when and context.kind not in when["kind"]:
        return False
    if "channel" in when and context.channel not in when["channel"]:
        return False
    gate = when.get("customer", "any")
    if gate == "problem":
        return context.expects_problem()
    if gate == "not-fine":
        return not context.fine
    return True


_SPACES = re.compile(r"\s+")
# Text in double quotes (straightened) is quoted speech or a UI label: not our phrasing.
_QUOTED_SPAN = re.compile(r'"[^"\n]{1,400}"')

# One reply longer than this is not a reply: refuse it clearly instead of letting
# spaCy fail (its limit is 1,000,000 characters) or memory grow without bound.
MAX_REPLY_CHARS = 500_000


def _match_key(text: str) -> str:
    """How a matched phrase is looked up in a rule's `replace` table."""
    return _SPACES.sub(" ", prepare(text).text.strip().lower())


def _adapt_case(replacement: str, original: str) -> str:
    if original[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement


def make_fix(rule: Rule, source: str, start: int, end: int) -> Fix | None:
    """The rule's replacement for source[start:end], or None when it has none.

    A replacement phrase ("to recap" for "as I said") is applied only where the phrase
    stands on its own between punctuation ("As I said, the fee..."): inside a clause
    ("As I said in my last email, ...", "It's no problem") the swap would not read as
    English, so the finding keeps its suggestions and gets no fix.
    """
    original = source[start:end]
    replacement = rule.replace.get(_match_key(original))
    if replacement is None:
        return None
    if replacement:
        if not stands_alone(source, start, end):
            return None
        return Fix(start, end, _adapt_case(replacement, original))
    fix = deletion(source, start, end)
    # A removal that cannot leave a well-formed sentence is offered as a suggestion only.
    return fix if leaves_well_formed(source, fix) else None


_MARKS = ".,;:!?-\u2013\u2014"


def leaves_well_formed(source: str, fix: Fix) -> bool:
    """Would the text around a removal still read as a sentence? Not with two marks
    together ("waived.."), a dash left on its own ("is - - fine"), empty brackets or
    markup ("()", "<b></b>"), a line that starts with a mark ("\n."), or an entity where
    a word was ("&nbsp;fine", which could not be capitalised)."""
    left = source[:fix.start].rstrip(" \t")[-1:]
    right = (fix.replacement + source[fix.end:].lstrip(" \t"))[:1]
    if not right or right in "\r\n":
        return True
    if left and left in _MARKS and right in _MARKS:
        return False
    if (left, right) in (("(", ")"), ("[", "]"), ("{", "}"), (">", "<")):
        return False
    if (not left or left in "\r\n") and right in _MARKS:
        return False
    return right != "&"


# (An HTML tag ends or opens a block too: "<p>As I said, ..." in a macro's HTML body;
# so does a quote's ">" in Markdown.)
_CLAUSE_BEFORE = ".!?,;:(\n\r>"
_CLAUSE_AFTER = ".!?,;:)\n\r<"


def stands_alone(source: str, start: int, end: int) -> bool:
    """Is source[start:end] a phrase of its own: punctuation (or the text's edge) on
    both sides, spaces and emphasis marks aside?"""
    before = source[:start].rstrip(" \t*_")
    after = source[end:].lstrip(" \t*_")
    return (not before or before[-1] in _CLAUSE_BEFORE) and (not after or after[0] in _CLAUSE_AFTER)


_MARKUP = ("**", "__", "*", "_", "`")
_CLOSING = ".!?;:)"


def deletion(source: str, start: int, end: int) -> Fix:
    """Delete a word so the sentence still reads: its emphasis marks ("**Simply**") and
    the comma or spaces that joined it go too, and a sentence it started starts with a
    capital again. "Restart it, simply." -> "Restart it."; "Obviously, the fee" -> "The fee"."""
    for mark in _MARKUP:
        if source[start - len(mark):start] == mark and source[end:end + len(mark)] == mark:
            start, end = start - len(mark), end + len(mark)
            break
    starts_sentence = source[start:end].lstrip("*_`")[:1].isupper()
    stop = end
    while stop < len(source) and source[stop] in " \t":
        stop += 1
    if stop == len(source) or source[stop] in _CLOSING or source[stop] in "\r\n":
        # Nothing follows in this sentence: take the joint before the word instead.
        back = start
        while back > 0 and source[back - 1] in " \t":
            back -= 1
        if back > 0 and source[back - 1] == ",":
            back -= 1
        return Fix(back, end, "")
    if source[stop] == ",":  # "Obviously, the fee": the comma was the word's
        back = start
        while back > 0 and source[back - 1] in " \t":
            back -= 1
        if back > 0 and source[back - 1] == ",":
            # "The fee, obviously, is waived": a word set off by two commas takes the
            # first with it and keeps the second's space ("The fee is waived").
            return Fix(back - 1, stop + 1, "")
        stop += 1
        while stop < len(source) and source[stop] in " \t":
            stop += 1
    following = source[stop:stop + 1]
    if starts_sentence and following.islower():
        return Fix(start, stop + 1, following.upper())
    return Fix(start, stop, "")


_WORDS = "empathy_lint.words"  # doc.user_data keys: the reply's content lemmas,
_ECHO_WORDS = "empathy_lint.echo_words"  # and those outside its requests


class Linter:
    """Rules compiled against the shared pipeline; lint one reply or a stream of them."""

    def __init__(self, config: Config | None = None, rules: list[Rule] | None = None) -> None:
        self.config = config or Config()
        self.rules = rules if rules is not None else self.config.active_rules()
        self.nlp = get_nlp()
        self.compiled = compile_rules(self.nlp, self.rules + self._referenced_rules())
        self._loaded = frozenset(rule.id for rule in self.rules)
        # Rules whose severity the user's config sets: a team that raises a rule to fail
        # its CI gets that, whatever the confidence model thinks of the finding.
        self._chosen = frozenset(rule.id for rule in self.rules if rule.severity_chosen)
        self._by_context: dict[tuple, tuple[list[Rule], dict[str, tuple[str, ...]], frozenset[str]]] = {}
        self.confidence = default_confidence()
        # (rule code, Facts) of each rated finding, when a fit script asks for them
        self.facts_log: list | None = None

    def _referenced_rules(self) -> list[Rule]:
        """Rules a position rule looks at (`of`) that are not active themselves: their
        patterns are matched, they report nothing."""
        active = {rule.id for rule in self.rules}
        wanted = {rule.of for rule in self.rules if rule.of and rule.of not in active}
        if not wanted:
            return []
        from empathy_lint.rulebook import load_rules

        found = [rule for rule in load_rules(self.config.rules) if rule.id in wanted]
        missing = wanted - {rule.id for rule in found}
        if missing:
            culprit = next(rule for rule in self.rules if rule.of in missing)
            raise RuleError(f"{culprit.source}:{culprit.line}: rule {culprit.id}: field 'of': "
                            f"no rule {culprit.of} is loaded")
        return found

    def default_context(self) -> Context:
        return Context(kind=self.config.kind or "live", channel=self.config.channel)

    def lint(self, text: str, context: Context | None = None) -> list[Finding]:
        """Findings for one reply, offsets into `text`."""
        return next(self.lint_many([(text, context)]))

    def masks_for(self, text: str, extra: list[Mask] | None = None) -> list[Mask]:
        """Reader masks plus placeholders and suppression comments, non-overlapping."""
        placeholders = self.config.placeholders
        found = find_placeholders(text, tuple(placeholders) if placeholders is not None else None)
        # An email's quoted lines are the customer's words, not ours (read/sources/thread),
        # and a footer's legal disclaimer is no one's choice of words (read/boilerplate).
        quoted = [(start, end, " ") for start, end in (*quote_spans(text), *disclaimer_spans(text),
                                                       *signature_spans(text))]
        return merge_masks(quoted, extra or [], directive_masks(text), found)

    def lint_many(self, items: Iterable[tuple], batch_size: int = 64,
                  openings: bool = False, located: bool = True) -> Iterator[list[Finding]]:
        """Findings for each (text, context) or (text, context, masks), streamed through `nlp.pipe`.

        With `openings`, each reply a `repeated` rule applies to also gets a candidate
        finding at its opening sentence, for `repeated.confirm` to judge across the run.
        Without `located`, line and column are left unset: for a caller that places the
        findings in a file of its own (a reply's lines are not the file's).
        """
        def prepared() -> Iterator[tuple[str, tuple[str, MappedText, Context]]]:
            for item in items:
                text, context = item[0], item[1]
                if len(text) > MAX_REPLY_CHARS:
                    raise InputError(f"a single reply of {len(text):,} characters is over the limit of "
                                     f"{MAX_REPLY_CHARS:,}; split it into replies (one per file, row or record)")
                mapped = prepare(text, self.masks_for(text, item[2] if len(item) > 2 else None))
                yield mapped.text, (text, mapped, context or self.default_context())

        for doc, (text, mapped, context) in self.nlp.pipe(prepared(), as_tuples=True, batch_size=batch_size):
            findings = self._findings(doc, text, mapped, context, openings)
            yield locate(findings, text) if located and findings else findings

    def _findings(self, doc: Doc, text: str, mapped: MappedText, context: Context,
                  openings: bool = False) -> list[Finding]:
        if not text.strip():
            return []
        doc.user_data[_SOURCE] = (text, mapped)
        language = "en" if _plainly_english(doc) else detect_language(mapped.text)
        context = context.read_reply(doc)
        rules, others, wanted = self._applicable(context)
        notices: list[Finding] = []
        if language != "en":
            # Only the rules with patterns for this language judge it, with those
            # patterns (their matches keyed back to the rule); one notice says so.
            notices = self._other_language(doc, mapped, language, rules)
            rules = [rule for rule in rules if language in rule.languages]
            if not rules:
                return notices
            if has_unspaced_script(mapped.text):  # Japanese, Chinese: a character a token
                doc = unspaced_doc(self.nlp, mapped.text)
                doc.user_data[_SOURCE] = (text, mapped)  # (the same text, read a character a token)
            keys = {language_key(rule.id, language): rule.id for rule in rules}
            matches = {keys[key]: spans for key, spans in self.compiled.find(doc, frozenset(keys)).items()}
        else:
            matches = self.compiled.find(doc, wanted)
            presumed = self._presumed_problem(context, rules, matches, doc, mapped)
            if presumed is not None:
                context = presumed
                rules, others, more = self._applicable(context)
                # Only the rules the problem's context adds are looked for: the others'
                # matches are already in hand (each rule's are found on their own).
                if more - wanted:
                    matches = {**matches, **self.compiled.find(doc, more - wanted)}
        findings = notices + self._judge(rules, others, matches, doc, text, mapped, context, openings,
                                         echo=language == "en")
        if context.by_title:
            self._say_title(findings, context.title or "")
        if findings and self.confidence.rules:
            self._rate(findings, doc, mapped, context, matches, english=language == "en")
        if language != "en":
            self._in_language(findings, language)
        if len(findings) > 1:
            findings = one_verdict_per_phrase(findings)
            findings.sort(key=by_place)
        return findings

    @staticmethod
    def _presumed_problem(context: Context, rules: list[Rule], matches: dict[str, list[tuple[int, int]]],
                          doc: Doc, mapped: MappedText) -> Context | None:
        """Where the reply decided a customer's unsure message was fine, but the reply
        itself dismisses their report or blames them ("the fare charged is correct", "you
        should have inspected it": rules marked `presumes_problem`), the context of a
        problem instead: no one dismisses a report that was never made. A refusal or a
        policy is not enough (it also answers a plain request). The verdict stays the
        reply's, so what rests on it is `info`. A phrase inside quotation marks (the
        customer's words quoted back) is not the reply's, as for its finding. None where
        nothing changes."""
        if not (context.by_reply and context.fine):
            return None
        spans = [span for rule in rules if rule.presumes_problem for span in matches.get(rule.id, ())]
        if not spans:
            return None
        quotes = _quotes(mapped)
        if all(_quoted(_characters(doc, *span), quotes) for span in spans):
            return None
        return dataclasses.replace(context, problem=True, fine=False, sure=False)

    def _say_title(self, findings: list[Finding], title: str) -> None:
        """A finding that asks for what a problem needs, where only the macro's title
        named the trouble ("Your parcel is held at the depot" under "Shipping delay"),
        says so: its reader sees no trouble in the words it points at, and a chat
        tool's shortcut is no name the report shows."""
        for finding in findings:
            rule = self.compiled.rules.get(finding.code)
            if rule is not None and rule.kind == "require" and rule.when.get("customer") == "problem":
                finding.message = f'{finding.message} (its title names the trouble: "{title[:80]}")'

    def _in_language(self, findings: list[Finding], language: str) -> None:
        """Findings on a reply in another language: suggestions in that language, and a
        finding that rests on the customer's verdict is info, as that verdict was read
        with English cues ("¡Excelente servicio!" is not known for praise)."""
        for finding in findings:
            rule = self.compiled.rules.get(finding.code)
            block = rule.languages.get(language) if rule is not None else None
            if block is None:
                continue
            if block.suggest:
                finding.suggestions = list(block.suggest)
            if rule.rests_on_customer and not rule.severity_chosen:
                finding.severity = "info"

    def _judge(self, rules: list[Rule], others: dict[str, tuple[str, ...]], matches: dict[str, list[tuple[int, int]]],
               doc: Doc, text: str, mapped: MappedText, context: Context, openings: bool,
               echo: bool = True) -> list[Finding]:
        """The findings of `rules` from their matches (or their absence) in one reply.
        `echo`: the customer's own words may stand for an acknowledgement (English only:
        the content-word test knows English stop words)."""
        quotes = _quotes(mapped)
        body: tuple[tuple[int, int], tuple[int, int]] | None = None
        findings: list[Finding] = []
        for rule in rules:  # `matches` holds only rules with at least one match
            kind = rule.kind
            if kind == "forbid":
                for first, last in matches.get(rule.id, ()):
                    start_char, end_char = _characters(doc, first, last)
                    if _quoted((start_char, end_char), quotes):
                        continue  # inside quotation marks: the customer's words or a label
                    start, end = mapped.to_source(start_char, end_char)
                    findings.append(self._finding(rule, start, end, make_fix(rule, text, start, end)))
            elif kind == "require":
                if rule.id in matches or any(other in matches for other in others[rule.id]) \
                        or (echo and self._echoes(rule, doc, context)) or _signed_by_name(rule, doc):
                    continue
                # Missing content belongs in the body's first or last sentence, so the
                # caret lands where the text should go; the body is found once per doc.
                if body is None:
                    body = body_sentences(doc)
                start, end = mapped.to_source(*(body[0] if rule.anchor == "start" else body[-1]))
                findings.append(self._finding(rule, start, end, None))
            elif kind == "position":
                late = self._late(rule, matches.get(rule.of or "", []), doc)
                if late is not None:
                    start, end = mapped.to_source(*_characters(doc, *late))
                    findings.append(self._finding(rule, start, end, None))
            elif kind == "repeated":
                if openings:
                    if body is None:
                        body = body_sentences(doc)
                    if sum(1 for token in doc.char_span(*body[0], alignment_mode="expand") if token.is_alpha) >= 3:
                        start, end = mapped.to_source(*body[0])
                        findings.append(self._finding(rule, start, end, None))
            # "language": the reply is English, nothing to say
        return findings

    def _rate(self, findings: list[Finding], doc: Doc, mapped: MappedText, context: Context,
              matches: dict, english: bool = True) -> None:
        """Give each finding its confidence; one the model is unsure of becomes `info`
        (unless the user's config sets that rule's severity). The customer's words echoed
        and the reply's content words are counted in English only (their stop words)."""
        model, facts = self.confidence, None
        unsure_macro = context.kind == "canned" and context.customer is None and not context.sure
        # A verdict the customer's words left unsure rests on a guess, even once the agent's
        # reply has decided it (a plain question answered "send me the new address and
        # I'll update it" reads as a problem): what depends on it is info.
        assumed = context.assumes_problem() or context.by_reply
        for finding in findings:
            if not model.knows(finding.code):
                continue
            if facts is None and model.needs_facts(finding.code):
                facts = reply_facts(context, sentence_columns(doc).words, "?" in mapped.text,
                                    self._echo_count(doc, context) if english else 0, set(matches),
                                    len(self._words(doc)) if english else 0)
            # The reply's words, for a model that weighs them (and for the fit, which
            # decides whether a model should).
            log_facts = self.facts_log is not None and model.needs_facts(finding.code)
            words = reply_lemmas(doc) if english and (log_facts or model.needs_words(finding.code)) else frozenset()
            rated = model.rate(finding.code, facts, words)
            if rated is not None:
                finding.confidence, sure = rated
                # A severity the user's config sets stands. Otherwise a finding the model
                # is unsure of is info, and so is a require finding on a canned macro
                # whose own words leave unsure what it answers ("this is working as
                # intended"): shown, never failing a run.
                weak = not sure or (unsure_macro and model.needs_facts(finding.code)) \
                    or (assumed and self._rests_on_customer(finding.code))
                if weak and finding.code not in self._chosen:
                    finding.severity = "info"
                if log_facts:
                    self.facts_log.append((finding.code, {**facts, **dict.fromkeys([WORD + w for w in words], 1.0)}))

    def _rests_on_customer(self, code: str) -> bool:
        rule = self.compiled.rules.get(code)
        return rule is not None and rule.rests_on_customer

    @staticmethod
    def _words(doc: Doc) -> frozenset[str]:
        """The reply's content lemmas (found once per doc)."""
        words = doc.user_data.get(_WORDS)
        if words is None:
            from empathy_lint.engine.customer import content_words

            words = doc.user_data[_WORDS] = content_words(doc)
        return words

    @staticmethod
    def _echo_words(doc: Doc) -> frozenset[str]:
        """The reply's content lemmas outside its requests (found once per doc): in a
        reply that asks for nothing, its content lemmas, read once for both."""
        words = doc.user_data.get(_ECHO_WORDS)
        if words is None:
            from empathy_lint.engine.customer import content_words, request_sentences

            asked = request_sentences(doc)
            words = doc.user_data[_ECHO_WORDS] = content_words(doc, asked) if asked else Linter._words(doc)
        return words

    def _echo_count(self, doc: Doc, context: Context) -> int:
        """How many of the customer's content words the reply repeats outside a request
        for information ("Could you DM us your account email?" asks; it does not echo)."""
        if not context.customer_words:
            return 0
        from empathy_lint.engine.customer import shared_roots

        return shared_roots(self._echo_words(doc), context.customer_words)

    def _echoes(self, rule: Rule, doc: Doc, context: Context) -> bool:
        """Does the reply repeat at least `rule.echo` of the customer's content words?"""
        if not rule.echo or not context.customer_words:
            return False
        return self._echo_count(doc, context) >= rule.echo

    @staticmethod
    def _other_language(doc: Doc, mapped: MappedText, language: str, rules: list[Rule]) -> list[Finding]:
        """A reply in another language: one notice per `language` rule, naming the rules
        with patterns for it (the only ones that check it)."""
        names = ", ".join(rule.name for rule in rules if language in rule.languages)
        detail = f"detected: {language}; checked in it: {names}" if names else f"detected: {language}"
        findings = []
        for rule in rules:
            if rule.kind == "language":
                start, end = mapped.to_source(*body_sentences(doc)[0])
                finding = Linter._finding(rule, start, end, None)
                finding.message = f"{rule.message} ({detail})"
                findings.append(finding)
        return findings

    @staticmethod
    def _late(rule: Rule, spans: list[tuple[int, int]], doc: Doc) -> tuple[int, int] | None:
        """The first of `spans` if all of them come after the body's first `within`
        sentences (the greeting does not count), else None."""
        if not spans:
            return None
        body = frame(doc)
        if len(body) <= rule.within:
            return None
        boundary = body[rule.within - 1][1]
        return None if any(start < boundary for start, _ in spans) else spans[0]

    def _applicable(self, context: Context) -> tuple[list[Rule], dict[str, tuple[str, ...]], frozenset[str]]:
        """The rules that apply in `context`, the rules standing in for each on this
        channel, and the ids whose matches all of them need: the same for many replies."""
        key = (context.kind, context.channel, context.problem, context.fine)
        cached = self._by_context.get(key)
        if cached is None:
            rules = [rule for rule in self.rules if rule_applies(rule, context)]
            others = {rule.id: stand_ins(rule, context.channel) for rule in rules}
            wanted = {rule.id for rule in rules} | {rule.of for rule in rules if rule.of}
            wanted.update(other for ids in others.values() for other in ids)
            # Which families the reply already has is evidence for a finding's confidence.
            wanted.update(code for code in PRESENCE if code in self._loaded)
            cached = self._by_context[key] = (rules, others, frozenset(wanted))
        return cached

    @staticmethod
    def _finding(rule: Rule, start: int, end: int, fix: Fix | None) -> Finding:
        # (positional: a dozen keyword arguments per finding cost a few percent of a run)
        return Finding(rule.id, rule.name, rule.family, rule.kind, rule.severity, rule.message,
                       start, end, 0, 0, list(rule.suggest), fix)


def one_verdict_per_phrase(findings: list[Finding]) -> list[Finding]:
    """A phrase inside another rule's phrase is one verdict, the wider one's ("can't" of
    EMP602 inside "we can't refund" of EMP306), unless the inner one is more severe.
    One sweep in order of place: linear, however many findings a reply has."""
    phrases = sorted((f for f in findings if f.kind == "forbid"), key=lambda f: (f.start, -f.end))
    if len(phrases) < 2:
        return findings
    dropped: set[int] = set()
    outer: Finding | None = None
    for finding in phrases:
        if outer is not None and finding.end <= outer.end and finding.code != outer.code \
                and finding.level <= outer.level:
            dropped.add(id(finding))
            continue
        if outer is None or finding.end > outer.end:
            outer = finding
    return [f for f in findings if id(f) not in dropped] if dropped else findings


def _quotes(mapped: MappedText) -> list[tuple[int, int]]:
    """The character ranges of the quoted passages of a prepared reply."""
    return [m.span() for m in _QUOTED_SPAN.finditer(mapped.text)] if '"' in mapped.text else []


def _quoted(span: tuple[int, int], quotes: list[tuple[int, int]]) -> bool:
    """Does the character range lie inside one of the quoted passages?"""
    return any(start < span[0] and span[1] < end for start, end in quotes)


def _characters(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Character offsets of the tokens doc[first:last] (no Span made)."""
    end = doc[last - 1]
    return doc[first].idx, end.idx + len(end)


def _plainly_english(doc: Doc) -> bool:
    """language.plainly_english on the doc's stop-word and word counts (empty: English)."""
    if not len(doc):
        return True
    columns = sentence_columns(doc)
    return plainly_english(columns.stop_words, columns.words)


def stand_ins(rule: Rule, channel: str | None) -> tuple[str, ...]:
    """Rules whose match stands in for `rule` on `channel`: from the channel profile
    (channels.yaml) and the rule's own `satisfied_by`."""
    profile = channel_profiles().get(channel or "", {}).get("satisfied_by", {})
    own = (alt["rule"] for alt in rule.satisfied_by if "rule" in alt and ("channel" not in alt or channel in alt["channel"]))
    return tuple(dict.fromkeys([*profile.get(rule.id, ()), *own]))


def frame(doc: Doc) -> list[tuple[int, int]]:
    """The body's sentences as token ranges: after a greeting ("Hi Sam,"), before a
    sign-off ("Regards, Ana", "^HSB"). Found once per doc (kept in doc.user_data)."""
    body = doc.user_data.get("empathy_lint.body")
    if body is None:
        body = doc.user_data["empathy_lint.body"] = Sentences(doc).body(_source_line_opener(doc))
    return body


# The reply as written and the map to it, kept on its doc (`Linter._findings`): the frame
# reads lines as written, since the doc reads a paragraph's single line breaks as spaces
# (a doc linted without it is read as its own text).
_SOURCE = "empathy_lint.source"


def _source_line_opener(doc: Doc) -> Callable[[int], bool]:
    """Does the doc's token there open a line of the reply as written (its `_SOURCE`)?"""
    text, mapped = doc.user_data.get(_SOURCE) or (doc.text, identity(doc.text))

    def opens_line(token: int) -> bool:
        offset = doc[token].idx
        at = mapped.to_source(offset, offset)[0] - 1
        while at >= 0 and text[at] in " \t":
            at -= 1
        return at < 0 or text[at] in "\n\r"
    return opens_line


def _signed_by_name(rule: Rule, doc: Doc) -> bool:
    """Does the writer's name alone on the reply's last line ("Maria" under "Happy
    shopping!") satisfy `rule` (`satisfied_by: [{letter: name-line}]`)? Lines as the
    reply was written: the doc reads a paragraph's single line breaks as spaces."""
    if not any(alt.get("letter") == "name-line" for alt in rule.satisfied_by):
        return False
    return Sentences(doc).ends_with_name(_source_line_opener(doc))


def body_sentences(doc: Doc) -> tuple[tuple[int, int], tuple[int, int]]:
    """The character ranges of the body's first and last sentence, without leading or
    trailing spaces; the whole doc's if it has no sentence. Ranges, not Spans: callers
    only place a finding there, and two Spans a reply cost more than the frame test."""
    body = frame(doc)
    if not body:
        whole = _characters(doc, 0, len(doc)) if len(doc) else (0, 0)
        return whole, whole
    spaces = sentence_columns(doc).spaces
    return _trimmed(doc, spaces, *body[0]), _trimmed(doc, spaces, *body[-1])


def _trimmed(doc: Doc, spaces: list[int], start: int, end: int) -> tuple[int, int]:
    """The characters of doc[start:end] without its leading and trailing space tokens
    (read off the sentencizer's columns: a Token object per test cost more than the test)."""
    while end - start > 1 and spaces[end - 1]:
        end -= 1
    while end - start > 1 and spaces[start]:
        start += 1
    return _characters(doc, start, end)


def lint_text(text: str, config: Config | None = None, context: Context | None = None) -> list[Finding]:
    """Lint one reply with the built-in rules (plus config). Offsets index `text`."""
    return _linter_for(config).lint(text, context)


_LINTERS: dict[int, Linter] = {}


def _linter_for(config: Config | None) -> Linter:
    if config is None:
        if 0 not in _LINTERS:
            _LINTERS[0] = Linter()
        return _LINTERS[0]
    return Linter(config)
