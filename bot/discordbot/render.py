"""Turn engine replies into Discord embeds and message text, within Discord's limits.

Pure functions: no network, no state. Every piece of text goes through
:func:`clean`, which neutralises ``@everyone``/``@here`` and truncates at a word
(or at least a grapheme) boundary with an ellipsis. Lengths are counted in
UTF-16 code units, which is never less than the code points Discord counts, so
emoji and other astral characters cannot push a message over a limit.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence

import discord

from bot.models import Reply, Source, SourceInfo, TableRow

log = logging.getLogger(__name__)

# Discord's documented limits (characters).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
CHOICE_NAME_LIMIT = 100

ELLIPSIS = "…"
ZWSP = "\u200b"

COLOURS: dict[str, discord.Colour] = {
    "answer": discord.Colour.blurple(),
    "compare": discord.Colour.teal(),
    "refusal": discord.Colour.light_grey(),
    "help": discord.Colour.green(),
    "smalltalk": discord.Colour.green(),
}

_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def discord_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (an upper bound on Discord's count)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def neutralize(text: str) -> str:
    """Break ``@everyone``/``@here`` with a zero-width space: they never render as mentions."""
    return _MASS_MENTION.sub(lambda m: "@" + ZWSP + m.group(1), text)


def one_line(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) into one space."""
    return _SPACE.sub(" ", text).strip()


def _extends_previous(ch: str) -> bool:
    """Whether ``ch`` belongs to the grapheme before it (marks, joiners, modifiers)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or code == 0x200D  # zero-width joiner
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def grapheme_cut(text: str, cut: int) -> int:
    """Move ``cut`` back so that ``text[:cut]`` does not split a grapheme cluster.

    Approximates Unicode's rules for what matters in chat text: combining marks,
    ZWJ emoji sequences, variation selectors, skin tones, tag sequences and flags.
    """
    cut = max(0, min(cut, len(text)))
    while 0 < cut < len(text) and (_extends_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    if 0 < cut < len(text) and _is_regional_indicator(text[cut]):
        run = 0
        while cut - run > 0 and _is_regional_indicator(text[cut - run - 1]):
            run += 1
        if run % 2:  # the cut falls inside a flag (a pair of indicators)
            cut -= 1
    return cut


def truncate(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """Shorten ``text`` to at most ``limit`` (UTF-16) characters, ending in ``ellipsis``.

    Cuts at the last word boundary when there is one in the last third of the
    kept text, otherwise at a grapheme boundary. Text that fits is returned as is.
    """
    if discord_len(text) <= limit:
        return text
    budget = limit - discord_len(ellipsis)
    if budget <= 0:
        return ellipsis[: max(limit, 0)]
    cut, used = 0, 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            break
        cut += 1
    cut = grapheme_cut(text, cut)
    head = text[:cut]
    if not text[cut].isspace():
        space = max(head.rfind(" "), head.rfind("\n"))
        if space >= len(head) * 2 // 3:
            head = head[:space]
    head = head.rstrip()
    head = head.rstrip(",;:-–—")
    return head + ellipsis


def clean(text: str, limit: int) -> str:
    """Neutralise mass mentions, then truncate to ``limit``; the one gate for outgoing text."""
    return truncate(neutralize(text), limit)


def embed_len(embed: discord.Embed) -> int:
    """Characters of ``embed`` that count towards Discord's 6,000 total."""
    total = discord_len(embed.title or "") + discord_len(embed.description or "")
    total += discord_len(embed.footer.text or "") + discord_len(embed.author.name or "")
    for item in embed.fields:
        total += discord_len(item.name or "") + discord_len(item.value or "")
    return total


def fit_total(embed: discord.Embed, limit: int = EMBED_TOTAL_LIMIT) -> discord.Embed:
    """Shrink ``embed`` in place until its text fits ``limit``; returns it.

    Shortens the longest of the description and the field values first; a field
    that cannot shrink further is dropped from the end.
    """
    previous = None
    while (excess := embed_len(embed) - limit) > 0 and excess != previous:
        previous = excess
        candidates: list[tuple[int, int]] = [(discord_len(embed.description or ""), -1)]
        candidates += [(discord_len(f.value or ""), i) for i, f in enumerate(embed.fields)]
        longest, index = max(candidates)
        if longest - excess < 2 and embed.fields:
            embed.remove_field(len(embed.fields) - 1)
            previous = None
            continue
        if index < 0:
            # Title, author and footer together stay far below the total, so the
            # description can always absorb the excess once the fields are gone.
            embed.description = truncate(embed.description or "", max(longest - excess, 0))
        else:
            item = embed.fields[index]
            embed.set_field_at(
                index,
                name=item.name or ZWSP,
                value=truncate(item.value or "", longest - excess) or ELLIPSIS,
                inline=bool(item.inline),
            )
    return embed


def _add_field(embed: discord.Embed, name: str, value: str, *, inline: bool = False) -> bool:
    """Add a field within the per-field and field-count limits; False when full."""
    if len(embed.fields) >= FIELD_COUNT_LIMIT:
        return False
    embed.add_field(
        name=clean(name, FIELD_NAME_LIMIT) or ZWSP,
        value=clean(value, FIELD_VALUE_LIMIT) or ZWSP,
        inline=inline,
    )
    return True


def footer_text(source: SourceInfo) -> str:
    """The footer line: knowledge-base version and the source's date."""
    parts = [f"Knowledge base v{source.version}"]
    if source.date:
        parts.append(f"{source.kind} of {source.date}")
    return clean(" · ".join(parts), FOOTER_LIMIT)


def article_ref(source: SourceInfo) -> str:
    """The article's title in italics, or as a link when its URL is known."""
    return f"[{source.title}]({source.url})" if source.url else f"*{source.title}*"


def citation(sections: Iterable[str], source: SourceInfo) -> str:
    """One line per distinct section: ``<section> — <article title>`` (a link when known)."""
    article = article_ref(source)
    lines: list[str] = []
    for section in sections:
        line = f"{section} — {article}"
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def _base_embed(reply: Reply, source: SourceInfo, title: str | None) -> discord.Embed:
    embed = discord.Embed(colour=COLOURS.get(reply.kind, discord.Colour.blurple()))
    if title:
        embed.title = clean(one_line(title), TITLE_LIMIT)
    embed.set_footer(text=footer_text(source))
    return embed


def answer_embed(reply: Reply, source: SourceInfo, *, title: str | None = None) -> discord.Embed:
    """Any reply as one embed: the text, the cited sections, the KB version in the footer.

    ``compare`` replies with rows are laid out by :func:`compare_embed` instead.
    ``title`` is usually the question; it is shown on one line, truncated.
    """
    if reply.kind == "compare" and reply.rows:
        return compare_embed(reply, source)
    embed = _base_embed(reply, source, title)
    embed.description = clean(reply.text, DESCRIPTION_LIMIT)
    if reply.sources:
        sections = [s.section for s in reply.sources]
        name = "Source" if len(set(sections)) == 1 else "Sources"
        _add_field(embed, name, citation(sections, source))
    return fit_total(embed)


def compare_embed(reply: Reply, source: SourceInfo) -> discord.Embed:
    """The comparison as one field per aspect, each subject on its own line.

    Reads the same on a phone and a desktop (no monospace table to wrap).
    """
    rows = reply.rows
    title = reply.title or (rows[0].aspect if len(rows) == 1 else "Side by side")
    embed = _base_embed(reply, source, title)
    embed.description = clean(
        f"The side-by-side comparison from {article_ref(source)}.", DESCRIPTION_LIMIT
    )
    for row in rows:
        _add_field(embed, row.aspect, compare_value(row))
    return fit_total(embed)


def compare_value(row: TableRow) -> str:
    """The value of one comparison field: one ``**Label:** text`` line per subject.

    Each subject gets an equal share of the field's room, so a long cell
    cannot push the others out.
    """
    labels = [f"**{clean(c.label, 40)}:** " for c in row.cells]
    share = (FIELD_VALUE_LIMIT - sum(len(x) for x in labels) - len(row.cells)) // max(
        1, len(row.cells)
    )
    return "\n".join(
        label + clean(c.text, share) for label, c in zip(labels, row.cells, strict=True)
    )


def sources_embed(used: Sequence[tuple[Source, str | None]], source: SourceInfo) -> discord.Embed:
    """The passages an answer came from, with their retrieval scores (shown ephemerally).

    ``used`` pairs each cited source with its text (None when the knowledge
    base no longer has it).
    """
    embed = discord.Embed(title="Sources", colour=discord.Colour.dark_grey())
    if used:
        embed.description = clean(
            f"The passages of {article_ref(source)} this answer was taken from, "
            "with their retrieval scores (higher is closer).",
            DESCRIPTION_LIMIT,
        )
    else:
        embed.description = "This answer was not taken from a particular passage."
    for cited, text in used:
        name = f"{cited.section} · score {cited.score:.2f}"
        if not _add_field(embed, name, text or "(no longer in the knowledge base)"):
            break
    embed.set_footer(text=footer_text(source))
    return fit_total(embed)


def notice(text: str) -> str:
    """A short plain-text notice (errors, cooldowns), safe for message content."""
    return clean(text, CONTENT_LIMIT)


def attribution(author_mention: str, *, self_ask: bool = False) -> str:
    """Content line for the "Ask the bot" menu: whose question this answers.

    The mention renders but never pings (messages go out with no allowed mentions).
    """
    if self_ask:
        return "Answering your question:"
    return f"Answering {author_mention}'s question:"


def button_label(text: str) -> str:
    """A button label (one line, at most 80 characters)."""
    return clean(one_line(text), BUTTON_LABEL_LIMIT) or ELLIPSIS


def choice_name(text: str) -> str:
    """An autocomplete or option choice name (one line, 1..100 characters)."""
    return clean(one_line(text), CHOICE_NAME_LIMIT) or ELLIPSIS
