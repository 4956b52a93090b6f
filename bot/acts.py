"""Stage 2: the dialogue act of a message.

Greeting, thanks, goodbye, a question about the bot itself (help, identity),
a slash command typed as text, or a question. Decided from the language's
cues alone: no knowledge base is consulted except to tell "thanks, and what
about GenAI?" (a question) from "thanks!" (thanks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.language import Language
from bot.text import words

ActKind = Literal["greeting", "thanks", "bye", "help", "identity", "command", "question"]
_COMMAND = re.compile(r"^/(\w+)\s*(.*)$", re.S)
# Greetings, thanks and questions about the bot are short: only the start of a
# message is looked at to tell them (a long message is a question).
_LOOK_AT = 400
_MAX_ACT_WORDS = 40
_MAX_HELP_WORDS = 16  # a longer message that holds "what can you do" asks something else
_SENTENCE_END = re.compile(r"[?!.]+\s*")
_MAX_CLOSING_WORDS = 10  # "ok cool, thats all for now, bye!": a goodbye ends a short message
_STRIP = frozenset({"bot", "please", "pls", "plz", "again", "there", "everyone", "all", "guys"})


@dataclass(frozen=True)
class Act:
    """What a message does; for a question, the text left once a greeting is stripped."""

    kind: ActKind
    text: str = ""
    command: str = ""


def _phrase_in(ws: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    return tuple(ws) in phrases


def classify(text: str, lang: Language) -> Act:
    """The :class:`Act` of a cleaned, non-empty message."""
    match = _COMMAND.match(text.strip())
    if match and match.group(1).lower() in lang.commands:
        return Act("command", match.group(2).strip(), match.group(1).lower())
    typed = words(text[:_LOOK_AT])
    # Only the words looked at are unstretched; the rest only count.
    looked_at = [_unstretched(w, lang.act_words) for w in typed[:_MAX_ACT_WORDS]]
    ws = [w for part in looked_at for w in lang.chat.get(part, (part,))]
    if not ws:
        return _emoji_act(text, lang)
    core = [w for w in ws if w not in _STRIP] or ws
    bare = [w for w in core if w not in lang.filler]
    if bare and len(bare) < len(core) and not _phrase_in(core, lang.pleasantries):
        core = bare  # "lol ok bye" is "bye"
    if _phrase_in(core, lang.greetings):
        return Act("greeting")
    if _phrase_in(core, lang.thanks):
        return Act("thanks")
    if _phrase_in(core, lang.byes):
        return Act("bye")
    if len(typed) > _MAX_ACT_WORDS:
        return Act("question", text)
    joined = " ".join(ws)
    if any(p.search(joined) for p in lang.identity_patterns):
        return Act("identity")
    # "What exactly can you help me with?" asks what "what can you help me with?" asks.
    unfilled = " ".join(w for w in ws if w not in lang.filler)
    if len(ws) <= _MAX_HELP_WORDS and any(
        p.search(joined) or (unfilled != joined and p.search(unfilled)) for p in lang.help_patterns
    ):
        return Act("help")
    if len(ws) > _MAX_HELP_WORDS:
        # "how do I use this thing, do I just type a question? what kind of stuff can you
        # answer": sentences that each ask for help.
        parts = [p for p in _SENTENCE_END.split(text) if words(p)]
        if len(parts) > 1 and all(classify(p, lang).kind == "help" for p in parts):
            return Act("help")
    # Only greetings and chat filler ("yo bro", "hey hey"): a greeting.
    greeting_words = lang.greeting_words
    if all(w in lang.filler or w in greeting_words for w in core):
        if any(w in greeting_words for w in core):
            return Act("greeting")
        if any(w in lang.thank_words for w in core) or len(core) <= 3:
            return Act("thanks")
    if set(core) & lang.thank_words and len(core) <= 4 and "?" not in text:
        return Act("thanks")
    for size in (3, 2, 1):
        if (
            len(core) > size
            and tuple(core[:size]) in lang.byes
            and core[size] not in lang.question_starts
        ):
            return Act("bye")  # "bye, gotta go study"
        if (
            len(core) > size
            and len(core) <= _MAX_CLOSING_WORDS
            and tuple(core[-size:]) in lang.byes
            and core[0] not in lang.question_starts
            and "?" not in text
        ):
            return Act("bye")  # "ok cool, thats all for now, bye!"
    rest = _strip_opening(ws, lang)
    if rest is not None:
        head = ws[: len(ws) - len(rest)]
        if tuple(head) in lang.greetings and set(rest) & lang.foreign_words:
            return Act("greeting")  # "hola, ¿qué tal?", "Hallo! Kannst du mir helfen?"
        if set(head) & lang.thank_words and "?" not in text and rest[0] not in lang.question_starts:
            return Act("thanks")  # "ty that actually helped a lot": no question follows
        # "hey, what is ML?" or "thanks! and GenAI?": the question alone.
        again = classify(" ".join(rest), lang)
        return again if again.kind != "question" else Act("question", " ".join(rest))
    return Act("question", text)


_RUN = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=1 << 14)  # a word with a doubled letter ("need", "all") costs 4 regexes
def _unstretched(word: str, known: frozenset[str]) -> str:
    """A word typed with letters held down ("heyyy", "hellooo", "thanksss") as the
    greeting or thanks it stretches, when it is one; else the word itself."""
    if word in known or not _RUN.search(word):
        return word
    if _RUN.sub(r"\1", word) not in _collapsed(known):
        return word  # every candidate below collapses to this, as all known words do
    for candidate in (
        _RUN.sub(r"\1\1", word),  # "goood" -> "good"
        _RUN.sub(r"\1", word),  # "heyyy" -> "hey"
        re.sub(r"([a-z])\1+$", r"\1", _RUN.sub(r"\1\1", word)),  # "hellooo" -> "hello"
    ):
        if candidate in known:
            return candidate
    return word


@lru_cache(maxsize=8)
def _collapsed(known: frozenset[str]) -> frozenset[str]:
    """``known`` with every run of a repeated letter written once ("hello" as "helo")."""
    return frozenset(_RUN.sub(r"\1", w) for w in known)


def _strip_opening(ws: list[str], lang: Language) -> list[str] | None:
    """A question with a greeting or thanks in front: the question's words."""
    for size in (4, 3, 2, 1):
        head = tuple(ws[:size])
        if len(ws) > size and head in lang.pleasantries:
            return ws[size:]
    return None


def _emoji_act(text: str, lang: Language) -> Act:
    """A message of symbols only: a wave is a greeting, a thumbs-up thanks."""
    chars = set(text)
    kinds: tuple[ActKind, ...] = ("greeting", "thanks", "bye")
    for kind in kinds:
        if chars & lang.emoji.get(kind, frozenset()):
            return Act(kind)
    return Act("help")
