"""Stage 6: compose the reply.

Answers are the source's own sentences, trimmed to a budget at sentence
boundaries; a list passage shows the items the question is about; the
comparison shows every row or the rows asked for, each cell labelled with its
subject. All wording comes from the knowledge base's ``replies`` or, where it
has none, from the language's defaults.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection, Iterable, Mapping, Sequence

from bot.index import Index
from bot.models import Kind, Passage, Reply, Source, TableRow

MAX_ANSWER_CHARS = 800
MAX_COMPARE_CHARS = 2000  # a whole comparison, table or prose
MAX_CELL_CHARS = 160  # a cell of a table too long to show whole
_SENTENCE_GAP = re.compile(r"(?<=[.!?])(\s+)")  # the space after a sentence, kept by split


class Wording:
    """Reply templates of one knowledge base, filled with its own names."""

    def __init__(self, index: Index) -> None:
        self.index = index
        kb = index.kb
        self._templates = {**index.language.replies, **kb.replies}
        self._values = {
            "name": kb.name,
            "kind": kb.source_kind,
            "title": kb.source.title,
            "date": kb.source.date,
            "scope": kb.scope,
            "examples": quoted(kb.suggested_questions[:2]),
            "commands": self.commands(),
            "commands_hint": ", or /compare for the side-by-side table"
            if kb.table
            else ", or /compare to compare them point by point"
            if index.compares_in_prose
            else "",
        }

    def commands(self) -> str:
        """The slash commands this knowledge base supports."""
        names = ["/ask"]
        if self.index.kb.table:
            names.append("/compare (the side-by-side table, or one row)")
        elif self.index.compares_in_prose:
            names.append("/compare (point by point, or one point)")
        if any(p.facet == "examples" for p in self.index.kb.passages):
            names.append("/examples")
        names += ["/topics (what I cover and my source)", "/help"]
        return ", ".join(names)

    def __call__(self, key: str, **extra: object) -> str:
        """The template ``key`` filled in (missing placeholders are left as written)."""
        values = {**self._values, **{k: str(v) for k, v in extra.items()}}
        template = self._templates[key]
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


_WORDINGS: weakref.WeakKeyDictionary[Index, Wording] = weakref.WeakKeyDictionary()


def wording_for(index: Index) -> Wording:
    """The :class:`Wording` of a knowledge base, built once per index."""
    wording = _WORDINGS.get(index)
    if wording is None:
        wording = _WORDINGS[index] = Wording(index)
    return wording


def quoted(items: Iterable[str]) -> str:
    """Questions in typographic quotes, comma-separated."""
    return ", ".join(f"“{q}”" for q in items)


def fit(parts: list[str], budget: int = MAX_ANSWER_CHARS, sep: str = "\n\n") -> str:
    """Join parts; if too long, keep each part's leading sentences within the budget."""
    text = sep.join(parts)
    if len(text) <= budget:
        return text
    share = (budget - len(sep) * (len(parts) - 1)) // len(parts)
    trimmed = []
    for part in parts:
        # Sentences and the space after each, kept as written: a list's items stay a
        # line each.
        pieces = _SENTENCE_GAP.split(part)
        kept = pieces[0]
        for gap, s in zip(pieces[1::2], pieces[2::2], strict=True):
            if len(kept) + len(gap) + len(s) > share:
                break
            kept += gap + s
        trimmed.append(kept[:share])
    return sep.join(trimmed)


def list_items(
    passage: Passage, terms: Collection[str] | Mapping[str, float], index: Index, whole: bool
) -> str:
    """A list passage as bullets: the items about ``terms`` (all when ``whole``), each
    term weighed by its weight in the question when ``terms`` gives them (a preamble's
    words count less than the question's own)."""
    items = passage.text.splitlines()
    chosen = items
    if not whole:
        all_terms = [set(t) for t in index.item_terms[passage.id]]
        shared = set.intersection(*all_terms) if all_terms else set()
        idf = index.retriever.idf
        weights = terms if isinstance(terms, Mapping) else dict.fromkeys(terms, 1.0)
        # An item labelled by a subject the question names counts as much as the rarest
        # word: "aluminium pans on induction?" shows the induction item too.
        scores = [
            sum(idf(t) * weights[t] for t in (it - shared) & weights.keys())
            + index.max_idf * sum(weights[t] for t in _labelled(item, index) & weights.keys())
            for item, it in zip(items, all_terms, strict=True)
        ]
        best = max(scores, default=0.0)
        if best > 0:
            chosen = [i for i, s in zip(items, scores, strict=True) if s >= 0.5 * best]
    return passage.title + ":\n" + "\n".join(f"• {i}" for i in chosen)


def _labelled(item: str, index: Index) -> frozenset[str]:
    """The subject terms of an item labelled by a subject alone ("Induction: only ...")."""
    label, colon, _ = item.partition(":")
    if not colon or len(label) > 40:
        return frozenset()
    terms = frozenset(index.tokenizer.tokenize(label))
    return terms if len(terms) == 1 and terms <= index.subject_of_term.keys() else frozenset()


def passages_reply(
    passages: Sequence[Passage],
    index: Index,
    *,
    scores: dict[str, float],
    terms: Collection[str] | Mapping[str, float],
    whole: bool,
    question: str = "",
) -> Reply:
    """An answer from one or more passages (labelled by subject when several).

    A list passage shows the items about ``terms``, or all of them when
    ``whole`` (a list was asked for) or when no item is about them; beside
    another passage too ("What is Midjourney used for?" shows its item).
    """
    kb = index.kb
    parts = []
    # Several passages are told apart by their subjects ("Machine Learning: ...",
    # "Generative AI: ..."); in a knowledge base of one subject, which would name it
    # on every one, by their sections where those differ (not where a section asks a
    # question: "What is X?: X is ..." says nothing).
    by_subject = len(kb.subjects) > 1
    by_section = not by_subject and len({p.section for p in passages}) > 1
    for p in passages:
        text = list_items(p, terms, index, whole) if p.is_list else p.text
        if len(passages) > 1 and not p.is_list:
            if by_subject and p.subject:
                text = f"{kb.subject(p.subject).name}: {text}"
            elif by_section and not p.section.endswith("?"):
                text = f"{p.section}: {text}"
        parts.append(text)
    sources = tuple(
        Source(p.id, p.section, p.title, round(scores.get(p.id, 0.0), 3)) for p in passages
    )
    rows: tuple[TableRow, ...] = ()
    if kb.table and any(p.facet in ("difference", "definition") for p in passages):
        rows = (kb.table[0],)
    return Reply("answer", fit(parts), sources=sources, rows=rows, question=question)


def row_source(row: TableRow, index: Index, score: float = 0.0) -> Source:
    """The citation of a table row."""
    return Source(row.id, index.kb.table_section, row.aspect, round(score, 3))


def row_reply(
    row: TableRow, index: Index, focus: str | None, *, score: float = 0.0, question: str = ""
) -> Reply:
    """One row: about one subject (that subject first, the others "by contrast"), or all."""
    say = wording_for(index)
    if focus is not None:
        kb = index.kb
        first = kb.subject(focus)
        lines = [f"{row.aspect} — {first.name}: {row.cell(focus)}"]
        for cell in row.cells:
            if cell.subject != focus:
                label = say("by_contrast", label=kb.subject(cell.subject).name)
                lines.append(f"{label} {cell.text}")
        return Reply(
            "answer",
            fit(lines, sep="\n"),  # a row of long cells, as an answer's length
            sources=(row_source(row, index, score),),
            rows=(row,),
            question=question,
            title=row.aspect,
        )
    return table_reply((row,), index, scores={row.id: score}, question=question)


def _first_sentence(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """A cell's first sentence, cut at a word to ``limit`` characters."""
    first = _SENTENCE_GAP.split(text, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def table_reply(
    rows: Sequence[TableRow],
    index: Index,
    *,
    scores: dict[str, float] | None = None,
    question: str = "",
) -> Reply:
    """The comparison (all rows, or those given), each cell labelled with its subject."""
    kb = index.kb
    scores = scores or {}
    say = wording_for(index)
    if len(rows) == 1:
        lines = [rows[0].aspect]
        title = f"{rows[0].aspect}: {kb.name}"
    else:
        lines = [say("compare_title")]
        title = kb.name

    def row_lines(row: TableRow, short: bool) -> list[str]:
        head = ["", row.aspect] if len(rows) > 1 else []
        return head + [
            f"• {kb.subject(c.subject).name}: {_first_sentence(c.text) if short else c.text}"
            for c in row.cells
        ]

    full = [line for row in rows for line in row_lines(row, short=False)]
    if len(rows) == 1:
        lines = [lines[0], fit(full, MAX_ANSWER_CHARS - len(lines[0]) - 1, sep="\n")]
    elif sum(len(x) + 1 for x in lines + full) <= MAX_COMPARE_CHARS:
        lines += full
    else:
        # A table too long to show whole: each cell's first sentence, as many rows as fit.
        shown: list[str] = []
        for count in range(len(rows), 0, -1):  # the most rows that fit with the note
            shown = [line for row in rows[:count] for line in row_lines(row, short=True)]
            rest = ", ".join(r.aspect for r in rows[count:])
            if rest:
                shown += ["", say("more_rows", rows=rest)]
            if sum(len(x) + 1 for x in lines + shown) <= MAX_COMPARE_CHARS:
                break
        lines += shown
    sources = tuple(row_source(r, index, scores.get(r.id, 0.0)) for r in rows)
    kind: Kind = "compare"
    return Reply(
        kind, "\n".join(lines), sources=sources, rows=tuple(rows), question=question, title=title
    )


def contrast_reply(
    points: Sequence[tuple[Passage, str]], index: Index, *, name: str = "", question: str = ""
) -> Reply:
    """A comparison the source makes in prose: one line per point (its section and the
    sentence that names the subjects together), as many as fit (``name``: of what)."""
    say = wording_for(index)
    lines = [say("compare_title", name=name) if name else say("compare_title")]
    used: list[Passage] = []
    size = len(lines[0])
    for passage, sentence in points:
        line = f"• {passage.section}: {sentence}"
        if size + len(line) + 1 > MAX_COMPARE_CHARS - 80:
            lines.append(say("more_points", count=len(points) - len(used)))
            break
        lines.append(line)
        used.append(passage)
        size += len(line) + 1
    sources = tuple(Source(p.id, p.section, p.title, 0.0) for p in used)
    title = index.kb.name if len(used) > 1 else used[0].section
    return Reply("compare", "\n".join(lines), sources=sources, question=question, title=title)


def contrast_sections(
    passages: Sequence[Passage],
    index: Index,
    *,
    name: str = "",
    question: str = "",
    budget: int = MAX_COMPARE_CHARS,
) -> Reply:
    """A comparison the source makes in one or two sections: their text, in full as
    far as it fits, each under its section's heading (``name``: of what)."""
    say = wording_for(index)
    parts = [say("compare_title", name=name) if name else say("compare_title")]
    section = ""
    for p in passages:
        if p.section != section:
            section = p.section
            parts.append(f"{section}:")
        parts.append(
            "\n".join(f"• {line}" for line in p.text.splitlines()) if p.is_list else p.text
        )
    sources = tuple(Source(p.id, p.section, p.title, 0.0) for p in passages)
    title = passages[0].section if passages else index.kb.name
    text = fit(parts, budget)
    return Reply("compare", text, sources=sources, question=question, title=title)


def contrast_sides(
    sides: Sequence[tuple[Passage, str]], index: Index, *, name: str, question: str = ""
) -> Reply:
    """Two things of the source set against each other: for each, its passage's
    section and what that passage says of it, within an answer's length."""
    say = wording_for(index)
    parts = [f"{passage.section}: {said}" for passage, said in sides]
    text = say("compare_title", name=name) + "\n\n" + fit(parts, MAX_ANSWER_CHARS - 80)
    sources = tuple(Source(p.id, p.section, p.title, 0.0) for p, _ in sides)
    title = sides[0][0].section if len(sides) == 1 else index.kb.name
    return Reply("compare", text, sources=sources, question=question, title=title)
