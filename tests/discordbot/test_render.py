"""render.py at Discord's limits: long text, the whole table, awkward Unicode, mentions."""

from __future__ import annotations

import unicodedata
from typing import Any

import discord
import pytest

from bot.discordbot import render
from bot.engine import Engine
from bot.models import Cell, Reply, Source, SourceInfo, TableRow

SOURCE = SourceInfo(
    title="Generative AI vs. Machine Learning", date="2026-06-11", version="1", kind="article"
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme, 7 code points, 11 UTF-16 units
FLAG = "🇫🇷"
COMBINING = "e\u0301"  # é as e + combining acute
RTL = "ما هو الذكاء الاصطناعي التوليدي؟"


def code_points(embed: dict[str, Any]) -> int:
    """Discord's embed total, counted in code points."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", "")) + len(
        embed.get("author", {}).get("name", "")
    )
    for field in embed.get("fields", []):
        total += len(field["name"]) + len(field["value"])
    return total


def assert_within_limits(embed: discord.Embed) -> None:
    """Every documented embed limit, in UTF-16 units (never less than code points)."""
    data: dict[str, Any] = dict(embed.to_dict())
    ulen = render.discord_len
    assert ulen(data.get("title", "")) <= 256
    assert ulen(data.get("description", "")) <= 4096
    assert ulen(data.get("footer", {}).get("text", "")) <= 2048
    assert len(data.get("fields", [])) <= 25
    for field in data.get("fields", []):
        assert 1 <= ulen(field["name"]) <= 256
        assert 1 <= ulen(field["value"]) <= 1024
    assert render.embed_len(embed) <= 6000
    assert code_points(data) <= 6000


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


# ---------------------------------------------------------------- truncate


def test_text_that_fits_is_unchanged() -> None:
    assert render.truncate("short text", 10) == "short text"
    assert render.truncate("", 5) == ""


def test_truncate_at_word_boundary_with_ellipsis() -> None:
    text = "Machine learning analyses data and predicts outcomes from patterns."
    out = render.truncate(text, 30)
    assert len(out) <= 30
    assert out.endswith("…")
    assert text.startswith(out[:-1])
    assert out[:-1] == out[:-1].rstrip()  # no dangling space before the ellipsis
    assert text[len(out) - 1] == " "  # cut where a word ended


def test_truncate_exactly_at_the_limit() -> None:
    text = "x" * 100
    assert render.truncate(text, 100) == text
    out = render.truncate(text + "y", 100)
    assert len(out) == 100 and out.endswith("…")


def test_truncate_without_spaces_cuts_hard() -> None:
    out = render.truncate("a" * 5000, 1024)
    assert len(out) == 1024 and out == "a" * 1023 + "…"


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_tiny_limits(limit: int) -> None:
    assert render.discord_len(render.truncate("hello world", limit)) <= limit


def test_astral_emoji_count_double() -> None:
    text = "😀" * 100
    assert render.discord_len(text) == 200
    out = render.truncate(text, 51)
    assert render.discord_len(out) <= 51
    assert out == "😀" * 25 + "…"


@pytest.mark.parametrize(
    "grapheme",
    [
        FAMILY,
        FLAG,
        COMBINING,
        "👍🏽",
        "❤️",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    ],
)
@pytest.mark.parametrize("limit", range(2, 40))
def test_truncate_never_splits_a_grapheme(grapheme: str, limit: int) -> None:
    text = grapheme * 30
    out = render.truncate(text, limit)
    assert render.discord_len(out) <= limit
    body = out[:-1] if out.endswith("…") else out
    assert len(body) % len(grapheme) == 0, (limit, body)
    assert body == grapheme * (len(body) // len(grapheme))


def test_combining_marks_stay_with_their_letter() -> None:
    text = ("cafe\u0301 " * 400).strip()
    out = render.truncate(text, 1024)
    assert render.discord_len(out) <= 1024
    assert not unicodedata.combining(out[0])
    assert out.endswith("café…") or out.endswith("cafe\u0301…")


def test_rtl_text_is_truncated_at_a_word() -> None:
    text = (RTL + " ") * 200
    out = render.truncate(text, 256)
    assert render.discord_len(out) <= 256 and out.endswith("…")
    assert out[:-1].split(" ")[-1] in RTL.split(" ")  # whole words only
    embed = render.answer_embed(Reply(kind="answer", text=text), SOURCE, title=text)
    assert_within_limits(embed)


# ---------------------------------------------------------------- mentions


@pytest.mark.parametrize("mention", ["@everyone", "@here", "@Everyone", "@HERE"])
def test_mass_mentions_are_neutralised(mention: str) -> None:
    out = render.clean(f"hey {mention} look", 100)
    assert mention not in out
    assert mention.replace("@", "@\u200b") in out


def test_user_and_role_mentions_pass_through() -> None:
    # They render, but messages go out with AllowedMentions.none(): no one is pinged.
    assert render.clean("ask <@&123> and <@456>", 100) == "ask <@&123> and <@456>"


def test_mention_in_a_question_title() -> None:
    reply = Reply(kind="refusal", text="I only know about ML and GenAI.")
    embed = render.answer_embed(reply, SOURCE, title="@everyone what is <@&123>?")
    assert "@everyone" not in (embed.title or "")
    assert_within_limits(embed)


# ---------------------------------------------------------------- embeds


def test_answer_embed_has_text_citation_and_version() -> None:
    reply = Reply(
        kind="answer",
        text="Generative AI creates new content.",
        sources=(
            Source("genai-definition", "What is Generative AI?", "GenAI", 3.2),
            Source("genai-how", "How Generative AI Works", "How", 1.1),
            Source("genai-how-2", "How Generative AI Works", "How", 0.9),
        ),
    )
    embed = render.answer_embed(reply, SOURCE, title="What is generative AI?")
    assert embed.title == "What is generative AI?"
    assert embed.description == "Generative AI creates new content."
    (field,) = embed.fields
    assert field.name == "Sources"
    assert field.value == (
        "What is Generative AI? — *Generative AI vs. Machine Learning*\n"
        "How Generative AI Works — *Generative AI vs. Machine Learning*"
    )
    assert embed.footer.text == "Knowledge base v1 · article of 2026-06-11"


def test_answer_embed_links_the_article_when_it_has_a_url() -> None:
    source = SourceInfo(title="T", date="", version="2", url="https://example.org/a")
    reply = Reply(kind="answer", text="x", sources=(Source("p", "Intro", "Intro", 1.0),))
    embed = render.answer_embed(reply, source)
    assert embed.fields[0].name == "Source"
    assert embed.fields[0].value == "Intro — [T](https://example.org/a)"
    assert embed.footer.text == "Knowledge base v2"


def test_huge_reply_stays_within_every_limit() -> None:
    words = " ".join(["generative"] * 2000)
    reply = Reply(
        kind="answer",
        text=words,
        sources=tuple(Source(f"p{i}", "S" * 300, "t", 1.0) for i in range(40)),
    )
    embed = render.answer_embed(reply, SOURCE, title="Q" * 1000 + "\n" + "q" * 10)
    assert_within_limits(embed)
    assert "\n" not in (embed.title or "")


def test_whole_table_one_field_per_aspect(engine: Engine) -> None:
    reply = engine.compare()
    embed = render.answer_embed(reply, engine.kb.source)
    assert_within_limits(embed)
    assert [f.name for f in embed.fields] == [row.aspect for row in engine.kb.table]
    for field, row in zip(embed.fields, engine.kb.table, strict=True):
        assert field.value == f"**ML:** {row.cell('ml')}\n**GenAI:** {row.cell('genai')}"
        assert not field.inline
    assert "|" not in (embed.description or "")  # not an ASCII table


def test_one_row(engine: Engine) -> None:
    row = engine.kb.table[0]
    embed = render.answer_embed(engine.compare(row.id), engine.kb.source)
    assert embed.title is not None and embed.title.startswith(row.aspect)
    assert len(embed.fields) == 1


def test_oversized_table_is_cut_to_25_fields_and_6000_characters() -> None:
    rows = tuple(
        TableRow(
            f"r{i}", "A" * 300, (Cell("ml", "ML", "m " * 800), Cell("genai", "GenAI", "g " * 800))
        )
        for i in range(40)
    )
    embed = render.answer_embed(Reply(kind="compare", text="", rows=rows), SOURCE)
    assert_within_limits(embed)
    assert embed.fields
    # each side got its share of the field: a long ML cell leaves room for GenAI
    assert "**GenAI:** g" in (embed.fields[0].value or "")


def test_compare_value_of_long_cells_fits_a_field() -> None:
    row = TableRow("x", "x", (Cell("ml", "ML", "🙂" * 1000), Cell("genai", "GenAI", FAMILY * 300)))
    value = render.compare_value(row)
    assert render.discord_len(value) <= 1024
    assert value.startswith("**ML:** 🙂") and "\n**GenAI:** " + FAMILY in value


def test_compare_value_has_a_line_per_subject() -> None:
    cells = tuple(Cell(s, s.title(), "x" * 600) for s in ("tea", "coffee", "cocoa"))
    value = render.compare_value(TableRow("r", "Taste", cells))
    assert render.discord_len(value) <= 1024
    assert [line.split(":")[0] for line in value.splitlines()] == ["**Tea", "**Coffee", "**Cocoa"]


def test_sources_embed_with_the_longest_passage(engine: Engine) -> None:
    longest = max(engine.kb.passages, key=lambda p: len(p.text))
    used = [
        (Source(p.id, p.section, p.title, 12.3456), p.text) for p in [longest, *engine.kb.passages]
    ]
    embed = render.sources_embed(used, engine.kb.source)
    assert_within_limits(embed)
    assert embed.fields[0].name == f"{longest.section} · score 12.35"
    assert embed.fields[0].value == render.truncate(longest.text, 1024)


def test_sources_embed_with_a_vanished_passage() -> None:
    embed = render.sources_embed([(Source("gone", "gone", "gone", 1.0), None)], SOURCE)
    assert embed.fields[0].value == "(no longer in the knowledge base)"


def test_fit_total_drops_fields_when_names_alone_overflow() -> None:
    embed = discord.Embed(title="t", description="d")
    for _ in range(25):
        embed.add_field(name="N" * 256, value="v" * 1024)
    render.fit_total(embed)
    assert_within_limits(embed)


def test_fit_total_terminates_on_an_impossible_budget() -> None:
    embed = discord.Embed(title="t" * 200, description="d" * 100)
    render.fit_total(embed, limit=50)  # title alone is over: gives up instead of looping
    assert len(embed.title or "") == 200


# ---------------------------------------------------------------- small pieces


def test_button_label_and_choice_name() -> None:
    long = "What is the difference between machine learning and generative AI, really, " * 3
    assert len(render.button_label(long)) <= 80
    assert len(render.choice_name(long)) <= 100
    assert render.choice_name("") == "…"
    assert "\n" not in render.button_label("a\nb")


def test_attribution() -> None:
    assert render.attribution("<@42>") == "Answering <@42>'s question:"
    assert render.attribution("<@42>", self_ask=True) == "Answering your question:"


def test_notice_is_capped_at_message_content_limit() -> None:
    assert len(render.notice("x " * 3000)) <= 2000
