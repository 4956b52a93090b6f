"""What the community asks that the knowledge base lacks: flagged answers, clustered.

A question is *flagged* when the bot declined it, answered it with low
confidence (:data:`LOW_CONFIDENCE`), or a member rated the answer down. Flagged
questions are grouped by their content terms (the engine's tokenizer: stems,
stopwords dropped, synonyms folded), so that "how much does ChatGPT cost?" and
"what's the price of ChatGPT per month?" make one line. Pure functions: the
console and ``/kb gaps`` both call them with rows from the store.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.store.store import Flagged

#: An answer whose best passage covers less than this share of the question's
#: idf-weighted terms (``Reply.confidence``) is "low confidence". The engine
#: declines below 0.45; on the shipped tuning questions 2 answers in 76 fall
#: between 0.45 and 0.7, and those are the vague ones.
LOW_CONFIDENCE = 0.7
SIMILAR = 0.5  # Jaccard similarity of two questions' terms that makes them one topic
PERIODS = {"1d": 1, "7d": 7, "30d": 30, "90d": 90}
_PERIOD = re.compile(r"\s*([0-9]{1,4})\s*([dw]?)\s*")

Terms = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class Gap:
    """One topic: its flagged questions, how many, and why they were flagged."""

    terms: tuple[str, ...]
    items: tuple[Flagged, ...]

    @property
    def count(self) -> int:
        """How many times it was asked (flagged)."""
        return len(self.items)

    @property
    def example(self) -> str:
        """The most common wording (the latest among equals)."""
        counts = Counter(i.question.strip().lower() for i in self.items)
        best = max(self.items, key=lambda i: (counts[i.question.strip().lower()], i.created_at))
        return best.question

    @property
    def declined(self) -> int:
        """How many were declined."""
        return sum(1 for i in self.items if i.kind == "refusal")

    @property
    def rated_down(self) -> int:
        """How many answers were rated down."""
        return sum(1 for i in self.items if i.downvotes and i.kind != "refusal")

    @property
    def unsure(self) -> int:
        """How many were answered with low confidence (and not rated down)."""
        return self.count - self.declined - self.rated_down


def flag_of(item: Flagged) -> str:
    """Why an answer was flagged: ``declined``, ``rated down`` or ``low confidence``."""
    if item.kind == "refusal":
        return "declined"
    return "rated down" if item.downvotes else "low confidence"


def parse_period(text: str) -> int:
    """Days in a period: ``7d``, ``2w``, ``30`` (days). ``ValueError`` otherwise."""
    found = _PERIOD.fullmatch(text or "")
    if not found:
        raise ValueError(f"expected a period such as 7d, 2w or 30d, got {text[:20]!r}")
    days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
    if not 1 <= days <= 3650:
        raise ValueError("a period is 1 to 3650 days")
    return days


def cluster(items: Sequence[Flagged], terms: Terms) -> list[Gap]:
    """Group flagged questions by shared content terms, most frequent topic first.

    Single link: a question joins the first topic one of whose questions shares at
    least :data:`SIMILAR` of their terms (Jaccard); questions with no content terms
    group by their exact wording.
    """
    groups: list[list[tuple[frozenset[str], Flagged]]] = []
    group_of: dict[frozenset[str], int] = {}  # each distinct term set, and its topic
    holders: dict[str, list[frozenset[str]]] = {}  # term -> the distinct sets that have it
    known: dict[str, frozenset[str]] = {}  # a week repeats wordings: tokenize each once
    for item in items:
        mine = known.get(item.question)
        if mine is None:
            mine = frozenset(terms(item.question)) or frozenset({item.question.strip().lower()})
            known[item.question] = mine
        home = group_of.get(mine)
        if home is None:
            # Only sets sharing a term can be similar: look at those, first topic first.
            near = {other for t in mine for other in holders.get(t, ())}
            similar = [group_of[o] for o in near if _jaccard(mine, o) >= SIMILAR]
            home = min(similar) if similar else len(groups)
            if home == len(groups):
                groups.append([])
            group_of[mine] = home
            for t in mine:
                holders.setdefault(t, []).append(mine)
        groups[home].append((mine, item))
    gaps = []
    for group in groups:
        counted = Counter(t for ts, _ in group for t in ts)
        shared = tuple(t for t, n in counted.most_common() if n * 2 >= len(group))
        gaps.append(Gap(terms=shared[:6], items=tuple(i for _, i in group)))
    gaps.sort(key=lambda g: (-g.count, -max(i.created_at for i in g.items)))
    return gaps


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def report(gaps: Sequence[Gap], days: int, limit: int, *, markdown: bool = False) -> str:
    """The gaps as text: one line per topic, most frequent first, at most ``limit``."""
    if not gaps:
        return f"No declined, unsure or down-rated answers in the last {days} day(s)."
    total = sum(g.count for g in gaps)
    head = f"{len(gaps)} topic(s) from {total} flagged question(s) in the last {days} day(s)" + (
        f"; the top {limit}:" if len(gaps) > limit else ":"
    )
    lines = [head]
    for n, gap in enumerate(gaps[:limit], start=1):
        why = ", ".join(
            f"{count} {label}"
            for count, label in (
                (gap.declined, "declined"),
                (gap.unsure, "low confidence"),
                (gap.rated_down, "rated down"),
            )
            if count
        )
        example = gap.example.replace("\n", " ")[:120]
        quoted = f"“{example}”"
        if markdown:
            lines.append(f"{n}. **×{gap.count}** {quoted} ({why})")
        else:
            lines.append(f"{n:>3}. ×{gap.count:<4} {quoted} ({why})")
    return "\n".join(lines)


CSV_COLUMNS = (
    "topic",
    "topic_count",
    "topic_example",
    "flag",
    "question",
    "kind",
    "confidence",
    "downvotes",
    "reasons",
    "asked_at",
    "answer_id",
)


def to_csv(gaps: Sequence[Gap]) -> str:
    """Every flagged question, one row each, with its topic (number, count, example)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for n, gap in enumerate(gaps, start=1):
        for item in gap.items:
            writer.writerow(
                (
                    n,
                    gap.count,
                    _cell(gap.example),
                    flag_of(item),
                    _cell(item.question),
                    item.kind,
                    "" if item.confidence is None else f"{item.confidence:.2f}",
                    item.downvotes,
                    _cell(" | ".join(item.reasons)),
                    datetime.datetime.fromtimestamp(item.created_at, datetime.timezone.utc)
                    .replace(microsecond=0)
                    .isoformat(),
                    item.answer_id,
                )
            )
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
