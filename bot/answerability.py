"""Stage 5: does the passage found answer what was asked?

Sharing words with the source is not enough, and neither is naming its
subject. In order, a question is declined when:

1. it asks about the world now or for a personal recommendation ("tomorrow",
   "recommend me");
2. it asks for advice, an opinion or a prediction about anything other than
   the knowledge base's own subjects ("should I learn Python first?");
3. it asks for a kind of fact (who, when, how much, how many, where from)
   that the passage found does not hold;
4. too little of what it asks about is in the passage: the idf-weighted share
   of its content terms found there, with each word the knowledge base does
   not know at all counted at the highest weight ("Does ChatGPT hallucinate?");
5. it asks what something is, and the source only mentions it without
   explaining it ("What is synthetic data?").

Each refusal names what was not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.analysis import Query
from bot.index import Doc, Index
from bot.language import Language
from bot.rank import RARE, NamedWords, Ranked, asks_of_it, coverage, plan_terms
from bot.resolve import Plan
from bot.text import words

Reason = Literal[
    "ok",
    "out_of_scope",
    "live",
    "no_opinion",
    "question_type",
    "not_mentioned",
    "not_found",
    "not_explained",
]
MIN_COVERAGE = 0.45  # swept 0.4-0.55 on the tuning sets: a plateau from 0.4 to 0.5
_MEASURED = re.compile(
    r"\b(?:how (?:much|many)|a lot of|lots of) ([a-z]+(?: [a-z]+)?)"
)  # "showcase posts"
_WHY = re.compile(r"(?:^|\b)why\b")
_WHY_AFTER = re.compile(r"\bwhy\W*$")  # "..., why?": asked after what it is about
_WHICH_OF = re.compile(r"\b(?:which|who)\b")  # of the subjects compared
POINTED_RARE = 0.6  # the salience under which a word of a follow-up is its wording
NEIGHBOUR = 0.5  # a runner-up this close to the best adds its terms to the coverage
STRICT_COVERAGE = 0.8  # for personal how-to questions
TITLE_HELD = 2  # terms of the question a passage's heading holds that make it what is asked
MANY_HELD = 4  # terms of the question a passage holds that make it what is asked about
HELD_COVERAGE = 0.3  # the coverage such a passage still needs (a plateau from 0.25 to 0.35)


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, and if not, why (with the words to name)."""

    reason: Reason
    missing: str = ""
    template: str = ""  # a question type's own refusal wording

    @property
    def ok(self) -> bool:
        """Whether the passage answers the question."""
        return self.reason == "ok"


def clause(focus: str, auxiliaries: frozenset[str]) -> str:
    """The question as a clause to report: "who invented X", or the question quoted.

    "Who invented AI?" reads as "who invented AI"; a question with an
    auxiliary after its question word ("When did AI take off?") would need
    its verb changed, so it is quoted instead.
    """
    ws = focus.strip().rstrip("?!. ").split()
    if not ws:
        return ""
    if any(w.lower() in auxiliaries for w in ws[1:4]):
        return "“" + focus.strip().rstrip("?!. ") + "?”"
    return " ".join([ws[0].lower(), *ws[1:]])


def _names(words_: list[str]) -> str:
    quoted = [f"“{w}”" for w in dict.fromkeys(words_)][:3]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def intent(query: Query, index: Index, doc: Doc | None = None) -> Verdict:
    """Steps 1 and 2: questions about now, and opinions.

    An opinion is answered only when it is about the knowledge base's own
    subjects (or, where the source compares several, about which of them), or
    when ``doc`` (the passage found) states the same judgement itself ("green
    tea is best brewed at 80 °C"), or when it is the source's own answer to
    that judgement (it poses it: "Will Gleam have type classes?").
    """
    lang = index.language
    text = doc.text if doc is not None else ""
    about = doc.about if doc is not None else frozenset()
    joined = query.asked or query.plain
    for pattern in lang.live_patterns:
        if not pattern.search(joined):
            continue
        said = pattern.find(joined) or ""
        written = (said, *lang.live_synonyms.get(said.lower(), ()))
        if said == said.strip() and text and any(_written(w, text) for w in written):
            continue  # "a list of currently known issues": the passage found says so itself
        return Verdict("live")
    opinions = (
        [m.group(0) for p in lang.opinion_patterns if (m := p.search(joined))]
        if lang.opinion_any.search(joined) and not joined.startswith("why ")
        else []
    )  # "why is it worth knowing?" asks for the source's reason, not an opinion
    judged = {w for o in opinions for w in o.split() if w in lang.judgement_words}
    if judged and doc is not None:
        # Said of what is asked about: "is rust faster than go?" is not answered by
        # "pushing to the stack is faster than allocating on the heap".
        judging = {t for w in judged for t in index.tokenizer.tokenize(w)}
        asked = {t for t in query.content if t not in judging}
        asked |= {index.subject_term[s] for s in query.subjects}
        if asked:
            text = _relevant_text(index, doc, asked, fallback=False)
    stated = any(_stated(w, text, lang) for w in judged)
    if opinions and stated:
        return Verdict("ok", template=_ADVISED)  # the passage states that judgement itself
    if opinions and not stated:
        subject_terms = set(index.subject_term.values())
        others = [t for t in query.content if t not in subject_terms and t in index.term_subject]
        foreign = [t for t in query.content if t not in subject_terms]
        posed = doc is not None and _poses_judgement(doc, lang)
        if posed and doc is not None:
            # The words of the judgement itself ("soon", "coming soon") are no topic, and
            # what the passage that asks it holds is what it is about ("Ok, so what
            # should I use?" weighs snapshots against logs in its text).
            judged = judged | {w for o in opinions for w in o.split()}
            about = about | frozenset(index.tokenizer.tokenize(doc.text))
        which = _WHICH_OF.search(joined) is not None  # "which one handles them better?"
        weighed = query.subjects or posed or (len(index.subject_term) > 1 and not others and which)
        if weighed and _judged_topic(query, index, judged, foreign, about, posed=posed):
            return Verdict("ok")
        if foreign and (others or len(foreign) > 1 or query.unknown or not query.subjects):
            return Verdict("no_opinion")
    return Verdict("ok")


_ADVISED = "advised"  # the template of an intent the passage found states itself


def _written(word: str, text: str) -> bool:
    """Whether ``text`` writes ``word`` as a word (any case)."""
    return re.search(rf"\b{re.escape(word)}\b", text, re.I) is not None


def _stated(judgement: str, text: str, lang: Language) -> bool:
    """Whether ``text`` states a judgement ("dangerous") in its words or its synonyms'
    ("take care not to let this file fall into the wrong hands")."""
    stating = (judgement, *lang.judgement_synonyms.get(judgement, ()))
    return bool(text) and any(_written(w, text) for w in stating)


def _judged_topic(
    query: Query,
    index: Index,
    judged: set[str],
    foreign: list[str],
    about: frozenset[str],
    *,
    posed: bool = False,
) -> bool:
    """Whether an opinion asked of a subject is on the topic the passage found is about.

    "Is gas bad for indoor air?" finds the passage about indoor air; "is induction
    safer?" the one about safety: the source weighs that itself, so it answers.
    Where the passage poses the judgement itself, or the question asks which of
    the subjects compared does better, an everyday word of the question
    ("coming", "handle") is its wording once the passage holds part of the topic.
    """
    judging = judged | {t for w in judged for t in index.tokenizer.tokenize(w)}
    salience = index.language.salience
    if {w for w in query.unknown if salience(w) >= RARE} - judging:
        return False  # "is induction safer, like for kids?": an everyday word is no topic
    topic = [t for t in foreign if t not in judging and t in index.retriever.vocabulary]
    if (posed or not query.subjects) and any(t in about for t in topic):
        topic = [t for t in topic if salience(query.surface.get(t) or t) >= RARE or t in about]
    if topic:
        return all(t in about for t in topic)
    cut = {w[: -len(x)] for w in judged for x in ("est", "er") if w.endswith(x)}
    bases = cut | {b + "e" for b in cut} | {b[:-1] for b in cut if b[-1:] == b[-2:-1]}
    return any(t.startswith(b) for b in bases if len(b) >= 4 for t in about)


def judge(query: Query, plan: Plan, ranked: list[Ranked], index: Index) -> Verdict:
    """The :class:`Verdict` on answering ``query`` with ``ranked[0]`` (and its partner)."""
    lang = index.language
    joined = query.plain
    known_content = [t for t in query.content if t in index.retriever.vocabulary]
    if not ranked or (not known_content and not query.subjects and not plan.carried):
        first = intent(query, index)
        if not first.ok:
            return first
        return Verdict(
            "out_of_scope" if not query.unknown else "not_mentioned", _names(query.unknown)
        )
    best = ranked[0]
    doc = index.docs[best.hit.id]
    first = intent(query, index, doc)
    if not first.ok:
        return first
    wanted_terms = set(query.content) | {index.subject_term[s] for s in query.subjects}
    if plan.carried:
        # "how many can i put?" after a question about nameservers: a figure said of them
        wanted_terms |= set(plan.carried_terms)
    measured = _MEASURED.search(joined)
    if measured:
        # "How much energy ...": the amount must be said of energy, not of anything.
        terms = index.tokenizer.tokenize(measured.group(1))
        wanted_terms = set(terms) or wanted_terms
    typed = set(query.words)
    has_year = any(w.isdigit() and len(w) == 4 for w in typed)
    asked_types = [
        t
        for t in lang.question_types
        if (not t.cues or typed & t.cues or has_year)
        and (m := t.pattern.search(joined))
        and not _WHY.search(joined, 0, m.start())
        and not _WHY_AFTER.search(joined)
    ]  # "why does cargo use so much disk?", "it uses a lot of memory, why?": a reason
    for qtype in asked_types:
        if doc.row is not None:
            text = doc.text
        else:
            text = _relevant_text(index, doc, wanted_terms, fallback=not measured)
        if not qtype.evidence.search(text):
            return Verdict("question_type", clause(query.focus, lang.auxiliaries), qtype.refusal)
    wanted = plan_terms(query, plan, index)
    if plan.carried:
        wanted -= {index.subject_term[s] for s in query.subjects}
        carried = set(plan.carried_terms)  # "which one is at the top?" asks about the hierarchy
        own = {t for t in query.content if t in index.retriever.vocabulary}
        if own and own <= best.hit.matched:
            # "what replaces lsmod?" then "and modprobe?": the passage holds all the
            # follow-up names; what it took from the turn before ("lsmod") it need not.
            carried &= best.hit.matched
        wanted |= carried
    if wanted or query.unknown:
        matched = best.hit.matched
        runner = ranked[1] if len(ranked) > 1 else None
        if (
            runner is not None
            and runner.score >= NEIGHBOUR * best.score
            and runner.hit.matched & matched  # about the same thing
        ):
            matched = matched | runner.hit.matched  # what the next passage adds counts too
        # A follow-up that points back asks about what was shown: a word it lacks that
        # is not rare is the question's wording ("whats the svn counterpart to those").
        pointing = bool(plan.follows) and bool(set(query.words) & lang.back_references)
        everyday = [
            w for w in query.unknown if lang.salience(w) < (POINTED_RARE if pointing else RARE)
        ]
        own = {t for t in query.content if t in index.retriever.vocabulary}
        if own and own <= doc.title:
            # "... our youngest has asthma. Which one should we pick in that case?": the
            # heading answers the question itself; what "that" sums up is the story.
            everyday += [w for w in query.pointed_back if w not in everyday]
        if best.hit.id in plan.follows:
            # Going on about the passage just shown ("over what time frame?"): an
            # everyday word it lacks is the question's wording, not a new topic.
            unknown = NamedWords([w for w in query.unknown if w not in everyday], query.named)
        else:
            story = set(query.pointed_back) & (set(everyday) | lang.people_words)
            unknown = NamedWords([w for w in query.unknown if w not in story], query.named)
        share = coverage(wanted, matched, index, unknown, query.surface)
        # "how do I fix it?", "is there a fix?" of the passage just shown: everyday
        # words only, asked of it.
        of_it = best.hit.id in plan.follows and asks_of_it(query, index)
        howto = any(p.search(query.asked or joined) for p in lang.howto_patterns)
        # "I got 'warning: skipping unknown sub-chunk LIST' ... should I worry?": a
        # heading that holds four of its terms is the source's own answer to it.
        titled = len(matched & wanted & doc.title)  # terms of the question its heading holds
        headed = titled >= MANY_HELD
        if (
            howto
            and not of_it
            and not headed
            and first.template != _ADVISED
            and (share < STRICT_COVERAGE or query.unknown)
            and not _poses_howto(doc)
            and not _poses_judgement(doc, lang)
            and not lang.tells_how.search(doc.text)  # a how-to the passage itself answers
        ):
            return Verdict("no_opinion")
        if (
            _MY_HOWTO.search(joined)
            and doc.passage is not None
            and _ASKS.match(doc.passage.section)
            and not _poses_howto(doc)
            and not _INSTRUCTS.search(doc.text)
        ):
            # "how do I publish my crate?" is not answered by "Why build crates.io?",
            # a FAQ answer that tells nobody how to do anything.
            return Verdict("not_found")
        # A passage that holds four or more of the question's terms is what it is
        # about, whatever story or wording it adds ("... when i use a plugin manager
        # (antidote)"), unless what it adds weighs most.
        held = len(matched & wanted)
        if (
            share < MIN_COVERAGE
            and not of_it
            and not (held >= MANY_HELD and share >= HELD_COVERAGE)
            and not (titled >= TITLE_HELD and share >= HELD_COVERAGE)
        ):
            if query.unknown:
                return Verdict("not_mentioned", _names(query.unknown))
            return Verdict("not_found")
    definition = _definition_target(query, index)
    head = definition[0] if definition else None  # "tokens" in "what are tokens in an LLM"
    if (
        head is not None
        and head not in index.defined(doc)
        and head not in index.names
        and not _names_phrase(definition, query, doc)
    ):
        return Verdict("not_explained", _names([query.surface.get(head, head)]))
    return Verdict("ok")


_MY_HOWTO = re.compile(
    r"^how (?:do|can|could|should|would) (?:i|we)\b"
    r"(?! (?:explain|describe|understand|think|tell|know|see|picture|define|remember)\b)"
)  # "how should I explain ...?" asks what the source says
_ASKS = re.compile(r"^(?!how\b).*\?$", re.I)  # a FAQ heading that asks no how-to
# A passage that tells its reader what to do: "you can ...", a command, a setting.
_INSTRUCTS = re.compile(
    r"\b(?:you (?:can|could|may|might|need to|must|should|will need to)|to do (?:this|so)|"
    r"run|use|set|add|type|pass|enable|disable|install|check|try|make sure)\b|"
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|(?<!\w)--?[a-z]",
    re.I,
)
_HOWTO_HEADING = re.compile(r"^how (?:can|could|should|do (?:i|we|you)|to)\b", re.I)


def _poses_howto(doc: Doc) -> bool:
    """Whether the passage is the source's own answer to a "how do I ...?" question
    ("How can Cargo work offline?"): then a how-to it answers is not personal advice."""
    p = doc.passage
    if p is None:
        return False
    return any(_HOWTO_HEADING.match(q) for q in (p.title, p.section, *p.questions))


def poses(ranked: Ranked, index: Index) -> bool:
    """Whether a passage ranked is the source's own answer to a judgement (see
    :func:`_poses_judgement`)."""
    return _poses_judgement(index.docs[ranked.hit.id], index.language)


def _poses_judgement(doc: Doc, lang: Language) -> bool:
    """Whether the passage is the source's own answer to a judgement or prediction
    ("Will Gleam have type classes?", "Why shouldn't I install it as root?")."""
    p = doc.passage
    if p is None:
        return False
    return any(lang.posed_judgement.search(q) for q in (p.title, p.section, *p.questions))


def _relevant_text(index: Index, doc: Doc, terms: set[str], *, fallback: bool = True) -> str:
    """The sentences or list items of a passage that hold one of ``terms``.

    With none, all of it (``fallback``) or nothing.
    """
    chosen = [text for text, piece_terms in index.pieces(doc) if terms & piece_terms]
    if chosen:
        return " ".join(chosen)
    return doc.text if fallback else ""


def _names_phrase(terms: list[str], query: Query, doc: Doc) -> bool:
    """Whether a sentence of the passage starts with the words asked about ("what is
    a cryptographic hash function?" of "A cryptographic hash function maps data ..."):
    then it is about that very thing, though no sentence of it says "X is"."""
    if len(terms) < 2 or doc.row is not None:
        return False
    phrase = r"\W+".join(re.escape(query.surface.get(t, t)) for t in terms)
    # What a sentence is about: its first words ("A cryptographic hash function maps
    # ..."), not a word of a list ("text, images, or synthetic data").
    starts = rf"(?:^|[.!?:]\s+|\n)(?:(?:a|an|the)\s+)?{phrase}\b"
    if re.search(starts, doc.text, re.I) is not None:
        return True
    # A name with a number ("exit code 24") is that very thing wherever the passage
    # names it ("... manifests as an exit-code 24").
    ws = query.words
    last = query.surface.get(terms[-1], terms[-1])
    after = ws[ws.index(last) + 1] if last in ws[:-1] else ""
    if not after.isdigit():
        return False
    return re.search(rf"\b{phrase}\W+{after}\b", doc.text, re.I) is not None


def _definition_target(query: Query, index: Index) -> list[str]:
    """For "what is X?" or "how does X work?" (X not a subject): X's content terms; else [].

    In "what is X and how does it work?" the first clause is the one looked at.
    """
    ws = query.words
    if "and" in ws[2:]:
        ws = ws[: ws.index("and", 2)]
    if 3 <= len(ws) <= 8 and ws[0] == "what" and ws[1] in ("is", "are"):
        rest = ws[2:]
    elif 2 <= len(ws) <= 5 and ws[0] == "define":
        rest = ws[1:]
    elif (
        4 <= len(ws) <= 7
        and ws[:2] in (["how", "does"], ["how", "do"])
        and ws[-1]
        in (
            "work",
            "works",
        )
    ):
        rest = ws[2:-1]
    else:
        return []
    if set(rest) & index.language.back_references:
        # "what is it built on?", "whats the svn counterpart to those?" ask what is said
        # of the thing just discussed
        return []
    if set(rest) & index.language.difference_words:
        return []  # "what is the difference between sync and copy?" asks no definition
    tok = index.tokenizer
    terms = tok.terms_of(tok.units(words(" ".join(rest))))
    works = ws[-1] in ("work", "works")
    salience = index.language.salience
    if (
        works
        and len(terms) > 1
        and terms[0] in index.subject_of_term
        and all(salience(query.surface.get(t) or t) >= RARE for t in terms[1:])
    ):
        # "How do cargo workspaces work?" asks about workspaces; "how do generative
        # AI systems work?" about generative AI.
        terms = terms[1:]
    if terms and query.surface.get(terms[0], terms[0]) in index.language.relational_nouns:
        return []  # "what is the purpose of Cargo.lock?" asks what is said of it
    if set(rest) & index.language.ranking_words:
        return []  # "what's the overall top-level category?" asks which one it is
    if not terms or terms[0] in index.subject_of_term:
        return []  # "what is generative AI (used for)?": the subject is defined elsewhere
    salient = {
        t: salience(query.surface.get(t) or t)
        for t in terms
        if t not in index.retriever.vocabulary and t.isalpha() and t not in index.neutral_terms
    }  # "what is a frame vs an item?": "vs" is no thing to explain
    rarest = max(salient, key=lambda t: salient[t], default="")
    if rarest and salient[rarest] >= RARE:
        return [rarest]  # "what is net metering for rooftop solar?": not in the source at all
    if any(t in index.subject_of_term for t in terms):
        return []  # "what is the relationship between AI and ML?"
    return [t for t in terms if t in query.content and t.replace("_", "").isalpha()]
