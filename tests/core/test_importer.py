"""``kb import``: Markdown, HTML, reStructuredText, text, folders; the result checks, answers."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import analysis, compose, importer
from bot.__main__ import main
from bot.acts import classify
from bot.engine import Engine
from bot.kbcheck import check
from bot.knowledge import load
from bot.language import english
from bot.markdown import Block, Document
from bot.textsource import read_text, split_cells
from tests.core.grading import failures_by_section

DOCS = Path(__file__).resolve().parents[1] / "data" / "import"
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"
CHROME = ("ADVERTISEMENT", "Marta", "Most Popular", "Newsletter", "Share on", "Leave a Reply")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), io.StringIO(), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each test document imported once, through the console command."""
    out = {}
    for name in ("cooktops.md", "cooktops.html", "cargo-faq.html"):
        target = tmp_path_factory.mktemp("kb") / name.replace(".", "-")
        code, _, err = run("kb", "import", str(DOCS / name), "--out", str(target))
        assert code == 0, err
        out[name] = target
    return out


@pytest.mark.parametrize("name", ["cooktops.md", "cooktops.html", "cargo-faq.html"])
def test_import_passes_check(imported: dict[str, Path], name: str) -> None:
    report = check(str(imported[name]))
    assert report.errors == []


def test_comparison_table_gives_subjects_and_rows(imported: dict[str, Path]) -> None:
    kb = load(imported["cooktops.md"])
    assert [s.name for s in kb.subjects] == ["Induction", "Gas"]
    assert [r.aspect for r in kb.table][:2] == ["Heat Source", "Boiling Speed"]
    assert kb.table[0].cell("gas") == "An open flame heats the pan from below."
    assert kb.source.title == "Induction vs. Gas Cooktops: Which Should You Cook On?"
    assert kb.source.date == "2026-03-02" and kb.source_kind == "article"
    by_id = {p.id: p for p in kb.passages}
    assert by_id["how-induction-works"].subject == "induction"
    assert by_id["how-induction-works"].facet == "how-it-works"
    assert by_id["cookware-you-can-use"].is_list
    assert "How does Induction work?" in by_id["how-induction-works"].questions


def test_html_gives_the_markdown_text_without_page_chrome(imported: dict[str, Path]) -> None:
    from_md = load(imported["cooktops.md"])
    from_html = load(imported["cooktops.html"])
    assert [p.text for p in from_html.passages] == [p.text for p in from_md.passages]
    assert from_html.table == from_md.table
    everything = " ".join(p.text for p in from_html.passages)
    assert not [c for c in CHROME if c in everything]


def test_faq_page(imported: dict[str, Path]) -> None:
    kb = load(imported["cargo-faq.html"])
    assert kb.source_kind == "FAQ" and [s.name for s in kb.subjects] == ["Cargo"]
    assert kb.source.title == "Frequently Asked Questions"
    first = kb.passages[0]
    assert first.title == "Is the plan to use GitHub as a package repository?"
    assert first.questions[0] == first.title
    assert all("Keyboard shortcuts" not in p.text for p in kb.passages)
    assert all(len(p.text) <= 800 for p in kb.passages)


def _graded(folder: Path, questions: str) -> dict[str, tuple[int, int]]:
    data: dict[str, list[Any]] = yaml.safe_load((DOCS / questions).read_text(encoding="utf-8"))
    failed = failures_by_section(Engine.load(folder), data)
    return {s: (len(data[s]) - len(failed[s]), len(data[s])) for s in data}


# Measured when the import was written; a drop is a regression (see the README's figures).
@pytest.mark.parametrize(
    ("name", "questions", "least"),
    [
        ("cooktops.md", "cooktops-questions.yaml", {"in_scope": 16, "compare": 2, "refusal": 5}),
        ("cooktops.html", "cooktops-questions.yaml", {"in_scope": 16, "compare": 2, "refusal": 5}),
        ("cargo-faq.html", "cargo-faq-questions.yaml", {"in_scope": 13, "refusal": 6}),
    ],
)
def test_blind_questions_on_imports(
    imported: dict[str, Path], name: str, questions: str, least: dict[str, int]
) -> None:
    got = _graded(imported[name], questions)
    assert got["help"][0] == got["help"][1]
    for section, minimum in least.items():
        assert got[section][0] >= minimum, got


def test_an_opinion_on_a_topic_the_source_is_about_is_answered(
    imported: dict[str, Path],
) -> None:
    engine = Engine.load(imported["cooktops.md"])
    reply = engine.ask("Is gas bad for indoor air?")
    assert reply.kind == "answer" and "nitrogen dioxide" in reply.text
    assert engine.ask("Is gas bad for my marriage?").kind == "refusal"
    assert engine.ask("Is induction better than gas for my career?").kind == "refusal"


def test_text_with_page_chrome_and_a_run_together_table() -> None:
    doc = read_text(
        "Monday, March 2, 2026\nHomeGuidesTea vs. Coffee\n\nTea vs. Coffee\n\n"
        "Tea and coffee are the two most popular hot drinks in the world.\n\n"
        "What is Tea?\n\nTea is an infusion of the leaves of the tea plant.\n\n"
        "  • Green tea: unoxidised leaves.\n  • Black tea: fully oxidised leaves.\n\n"
        "Side by Side\n\nFeatureTea (T)Coffee (C)\nCaffeineLess per cup.More per cup.\n"
        "OriginChina.Ethiopia.\n\nRELATED ARTICLES\n\nThe best mugs of 2026\n",
        "tea.txt",
    )
    assert doc.title == "Tea vs. Coffee" and doc.date == "2026-03-02"
    kinds = [(b.kind, b.text) for b in doc.blocks if b.kind != "table"]
    assert kinds == [
        ("paragraph", "Tea and coffee are the two most popular hot drinks in the world."),
        ("heading", "What is Tea?"),
        ("paragraph", "Tea is an infusion of the leaves of the tea plant."),
        ("item", "Green tea: unoxidised leaves."),
        ("item", "Black tea: fully oxidised leaves."),
        ("heading", "Side by Side"),
    ]
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert table.rows[1] == ("Caffeine", "Less per cup.", "More per cup.")


def test_abbreviations_the_sources_spell_out() -> None:
    found = importer.abbreviations(
        "Large Language Models (LLMs) and Generative AI (GenAI). First update all package "
        "definitions (formulae). Verifying a minimum-supported Rust version (MSRV) matters."
    )
    assert found == {
        "Large Language Models": "LLMs",
        "Generative AI": "GenAI",
        "minimum-supported Rust version": "MSRV",  # the words its letters stand for
    }  # "(formulae)" is no abbreviation
    # Letters from within words too, and only the words that spell it.
    assert importer.abbreviations("Dart packages. Kotlin Multiplatform (KMP) is new.") == {
        "Kotlin Multiplatform": "KMP"
    }


def test_a_heading_before_an_abbreviation_is_not_part_of_it() -> None:
    text = "# Sharing code\n\n## Kotlin Multiplatform\n\nKotlin Multiplatform (KMP) shares code."
    doc = importer.read_markdown(text, "a.md")
    (subject,) = importer.find_subjects([doc], None, subject="Kotlin Multiplatform")
    assert "kmp" in subject.aliases


def test_split_cells() -> None:
    assert split_cells("a\tb\tc") == ["a", "b", "c"]
    assert split_cells("| a | b |") == ["a", "b"]
    assert split_cells("FeatureMachine Learning (ML)Generative AI (GenAI)") == [
        "Feature",
        "Machine Learning (ML)",
        "Generative AI (GenAI)",
    ]


def test_folder_import_and_answers_through_knowledge_path(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-brewing.md").write_text(
        "# Brewing Guide\n\n## How long should green tea steep?\n\n"
        "Green tea should steep for two to three minutes in water at about 80 degrees.\n\n"
        "## Can I reuse tea leaves?\n\nYes. Good loose-leaf tea can be steeped two or three "
        "times; each infusion tastes a little lighter than the one before.\n",
        encoding="utf-8",
    )
    (docs / "b-storage.md").write_text(
        "# Storage\n\n## How should I store tea?\n\nKeep tea in an airtight tin away from "
        "light, heat and strong smells, and use it within a year.\n",
        encoding="utf-8",
    )
    out = tmp_path / "kb"
    code, printed, err = run("kb", "import", str(docs), "--out", str(out), "--subject", "Tea")
    assert code == 0, err
    assert "imported 3 passages" in printed and "0 error(s)" in printed
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input=json.dumps({"question": "How long should green tea steep?"}) + "\n",
        capture_output=True,
        text=True,
        env={"KNOWLEDGE_PATH": str(out), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=True,
    )
    reply = json.loads(proc.stdout)
    assert reply["kind"] == "answer" and "two to three minutes" in reply["answer"]


def test_url_is_fetched_only_when_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fetched: list[str] = []
    page = (DOCS / "cooktops.html").read_text(encoding="utf-8")
    monkeypatch.setattr(importer, "_fetch", lambda url: fetched.append(url) or page)
    draft = importer.import_sources([str(DOCS / "cooktops.md")], tmp_path / "a")
    assert fetched == [] and draft.kb.source.url == ""
    draft = importer.import_sources(["https://example.org/cooktops"], tmp_path / "b")
    assert fetched == ["https://example.org/cooktops"]
    assert draft.kb.source.url == "https://example.org/cooktops"


def test_bad_sources_are_one_line_errors(tmp_path: Path) -> None:
    code, _, err = run("kb", "import", str(tmp_path / "missing.md"), "--out", str(tmp_path / "o"))
    assert code == 2 and "no such file or folder" in err and "Traceback" not in err
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    code, _, err = run("kb", "import", str(tmp_path / "notes.pdf"), "--out", str(tmp_path / "o"))
    assert code == 2 and "not a .md, .html, .rst, .adoc or .txt file" in err
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    code, _, err = run("kb", "import", str(tmp_path / "empty.md"), "--out", str(tmp_path / "o"))
    assert code == 2 and "no text to import" in err
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = run("kb", "import", str(DOCS / "cooktops.md"), "--out", str(taken))
    assert code == 2 and "not empty" in err and (taken / "keep.txt").exists()


@pytest.mark.skipif(not ARTICLE.exists(), reason="the seed article is not beside the project")
def test_seed_article_reimported(tmp_path: Path) -> None:
    draft = importer.import_sources([str(ARTICLE)], tmp_path / "kb")
    kb = draft.kb
    assert [s.short for s in kb.subjects] == ["ML", "GenAI"]
    assert "gen ai" in kb.subjects[1].aliases  # "GenAI" as people also write it
    assert [r.aspect for r in kb.table] == [r.aspect for r in load().table]
    assert not [p for p in kb.passages if "RELATED" in p.text or "comment" in p.text.lower()]


def test_kinds_of_question_an_imported_comparison_answers(imported: dict[str, Path]) -> None:
    engine = Engine.load(imported["cooktops.md"])

    def ask(question: str) -> tuple[str, str]:
        reply = engine.ask(question)
        return reply.kind, reply.text

    # A list item labelled by the subject asked about is shown, not only the item
    # that shares the rarer word.
    kind, text = ask("can i use my aluminium pans on induction??")
    assert kind == "answer" and "magnetic base" in text
    # A long story before "those": the sentence just before says what "those" are, and
    # the story's words count less than the question's in choosing the items.
    kind, text = ask(
        "I just inherited my grandma's whole set of aluminium and copper pots, they're lovely "
        "and I don't want to get rid of them. We're about to get a new cooktop. "
        "Can I use those on induction?"
    )
    assert kind == "answer" and "magnetic base" in text
    # A heading that answers the question itself ("Which One Should You Choose?"): the
    # story that "in that case" sums up is no topic the article lacks.
    kind, text = ask(
        "We're finally redoing our 1970s kitchen. My partner cooks every night and our "
        "youngest has asthma, so the air quality thing actually matters to us, plus we'd "
        "like lower bills. Which one does the article say to pick in that case?"
    )
    assert kind == "answer"
    # An opinion on the topic the source weighs itself, with an everyday word besides.
    assert ask("is induction safer than gas, like for kids")[0] == "answer"
    # "and gas?" after that list: the same list's gas item.
    reply = engine.ask("can i use my aluminium pans on induction??", "pans")
    reply = engine.ask("and gas?", "pans")
    assert reply.sources[0].passage_id == "cookware-you-can-use"
    assert "almost any pan" in reply.text and "magnetic base" not in reply.text
    # "called eddy currents" explains eddy currents; a term only mentioned is not.
    kind, text = ask("wait what are eddy currents")
    assert kind == "answer" and "eddy currents" in text
    assert ask("what are magnetic fields")[0] == "refusal"
    # A comparative finds the source's noun ("safer": "Safety and Indoor Air").
    kind, text = ask("Is induction safer than gas?")
    assert kind == "answer" and "open flame" in text
    # Everyday regional words and abbreviations are synonyms ("hob").
    assert ask("whats under the glass on an induction hob?")[0] == "answer"
    assert ask("what pans can i use on a gas stove")[0] == "answer"
    assert ask("are gas stoves getting banned in the us?")[0] == "refusal"
    # "simplest" is "simple": a word, not the stem "simpl" that nothing explains.
    assert ask("what is the simplest way to clean induction")[0] == "answer"
    assert ask("what is the simplest way to cook pasta")[0] == "refusal"


def test_kinds_of_question_an_imported_faq_answers(imported: dict[str, Path]) -> None:
    engine = Engine.load(imported["cargo-faq.html"])
    # A how-to the FAQ asks itself ("How can Cargo work offline?") is no personal advice.
    reply = engine.ask("HOW DO I MAKE CARGO WORK OFFLINE, IM ON A PLANE")
    assert reply.kind == "answer" and "--offline" in reply.text
    assert engine.ask("how do i make cargo pay my rent").kind == "refusal"
    # Typos of everyday words become those words, not rare unknown ones.
    assert engine.ask("why shuld i comit Cargo.lock into git").kind == "answer"
    # A why-question asks for a reason, not a figure.
    assert engine.ask("my target folder is like 20GB, why does cargo use so much disk").kind == (
        "answer"
    )
    assert engine.ask("cargo uses so much disk space, why?").kind == "answer"  # asked after
    assert engine.ask("how many GB does the target folder use?").kind == "refusal"
    # A question that asks nothing by itself reads its preamble.
    reply = engine.ask(
        "cargo keeps rebuilding my whole project every time even when i changed nothing. "
        "how can i figure out why"
    )
    assert reply.kind == "answer" and reply.sources[0].passage_id.startswith("why-is-cargo-rebuild")
    # "how do cargo workspaces work?" asks about workspaces, which the FAQ only mentions.
    assert engine.ask("how do cargo workspaces work").kind == "refusal"
    # A how-to is not answered by a FAQ answer that tells nobody what to do.
    assert engine.ask("how do i publish my crate to crates.io").kind == "refusal"
    # "What is the point of X?" asks what the FAQ says of X, not what a point is.
    assert engine.ask("whats the point of a lockfile anyway").kind == "answer"
    # Everyday abbreviations are synonyms ("prod" for "production").
    reply = engine.ask("does cargo have like prod and test environments")
    assert reply.kind == "answer" and "production" in reply.text
    assert engine.ask("how can i debug why a crate got rebuilt").kind == "answer"


def test_examples_after_a_faq_answer_are_its_own(imported: dict[str, Path]) -> None:
    engine = Engine.load(imported["cargo-faq.html"])
    engine.ask("does cargo support environments like dev vs prod?", "c")
    reply = engine.ask("examples?", "c")
    assert reply.kind == "answer" and "opt-level" in reply.text
    assert reply.sources[0].passage_id == "does-cargo-support-environments-like"


def test_a_faq_answer_stays_one_passage_asked_by_its_heading() -> None:
    first = "It means the formula is installed only into the Cellar and is not linked. " * 3
    second = "You can modify a tool's build configuration to find keg-only dependencies. " * 3
    doc = importer.read_markdown(
        f"# Widget FAQ\n\nWidget is a package manager.\n\n## What does keg-only mean?\n\n"
        f"{first}\n\n{second}\n\n## Installing\n\n{first}\n\n{second}\n",
        "faq.md",
    )
    kb = importer.build([doc], subject="Widget").kb
    faq, installing = kb.passages[1], kb.passages[2:]
    assert faq.title == "What does keg-only mean?" and second.strip() in faq.text
    assert faq.questions == ("What does keg-only mean?",)  # not "What is Widget?"
    assert len(installing) == 2  # a heading that is not a question is cut at paragraphs


def test_markdown_of_a_docs_site_reads_as_its_words() -> None:
    doc = importer.read_markdown(
        "<!-- copied from the project's docs -->\n---\noutline: deep\n---\n\n"
        "# Composition API FAQ {#faq}\n\n:::tip\nThis FAQ assumes you know Vue.\n:::\n\n"
        "## What is Composition API? {#what-is-it .lead}\n\nComposition API is a set of APIs.\n",
        "faq.md",
    )
    assert doc.title == "Composition API FAQ"
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("paragraph", "This FAQ assumes you know Vue."),
        ("heading", "What is Composition API?"),
        ("paragraph", "Composition API is a set of APIs."),
    ]


def test_a_faq_titled_only_faq_is_named_after_what_it_answers_about() -> None:
    text = "You update packages with Widget, and then Widget keeps them current. " * 20
    doc = importer.read_markdown(
        f"# FAQ (Frequently Asked Questions)\n\n## How do I update?\n\n{text}\n", "faq.md"
    )
    kb = importer.build([doc]).kb
    assert [s.name for s in kb.subjects] == ["Widget"]
    assert kb.name == "Widget FAQ (Frequently Asked Questions)"
    untold = importer.read_markdown("# FAQ\n\n## Why?\n\nBecause (it is) so. (Yes.)\n", "f.md")
    with pytest.raises(importer.SourceError, match="--subject"):
        importer.build([untold], subject="the")


PROSE_COMPARISON = """# Quill Compatibility Guide

Inkwell aims to be broadly compatible with the Quill API, with a few differences.

## Redirects

Unlike Quill, Inkwell does not follow redirects by default. You can turn it on.

## Timeouts

Inkwell has timeouts of five seconds by default, while Quill has no timeouts.

## Cookies

Inkwell keeps cookies on the client. Setting cookies per request is deprecated.

## Comparison with Papyrus

Papyrus re-reads the whole file on each call. Inkwell reads the file only once,
unlike Papyrus, so Inkwell stays fast. Papyrus also needs a config file.

## Streaming

Inkwell streams responses with a context manager. Inkwell closes it for you.

## Installing

Inkwell ships pre-built wheels for every platform, so nothing is compiled.
"""


def _markdown_engine(text: str, name: str) -> Engine:
    """An engine on the knowledge base imported from one Markdown text."""
    return Engine(importer.build([importer.read_markdown(text, name)]).kb)


def _prose_engine() -> Engine:
    return _markdown_engine(PROSE_COMPARISON, "guide.md")


def test_a_comparison_in_prose_gives_its_subjects_and_compares_point_by_point() -> None:
    engine = _prose_engine()
    assert [s.name for s in engine.kb.subjects] == ["Inkwell", "Quill", "Papyrus"]
    assert not engine.kb.table
    whole = engine.ask("inkwell vs quill, all the differences?")
    assert whole.kind == "compare"
    lines = whole.text.splitlines()
    assert lines[0] == "Inkwell vs Quill, side by side:"
    assert "• Redirects: Unlike Quill, Inkwell does not follow redirects by default." in lines
    assert "• Timeouts: Inkwell has timeouts of five seconds by default, while Quill" in (
        whole.text
    )
    assert "Cookies" not in whole.text  # it names one of them only
    pair = engine.ask("compare inkwell and papyrus")  # one section compares them: all of it
    assert pair.kind == "compare" and "needs a config file" in pair.text
    assert [s.section for s in pair.sources] == ["Comparison with Papyrus"]
    assert "• Timeouts: Inkwell has timeouts of five seconds by default, while Quill" in (
        whole.text
    )
    rundown = engine.ask("inkwell vs quill - quick rundown of how they differ?")
    assert rundown.kind == "compare" and len(rundown.sources) > 1  # "rundown" is no topic
    topic = engine.ask("compare the timeouts of inkwell and quill")  # that section
    assert topic.kind == "compare" and [s.section for s in topic.sources] == ["Timeouts"]
    assert topic.text.startswith("Inkwell vs Quill, side by side:")
    timeouts = engine.compare("timeouts")
    assert timeouts.kind == "compare" and [s.section for s in timeouts.sources] == ["Timeouts"]
    assert engine.compare("colours").kind == "refusal"
    assert engine.ask("does inkwell follow redirects?").kind == "answer"
    assert "/compare (point by point" in engine.help().text
    asked = [q for p in engine.kb.passages for q in p.questions]
    assert not [
        q for q in asked if q.startswith("What is the difference between") and " and " not in q
    ]


def test_a_compound_the_source_hyphenates_is_found_written_as_one_word() -> None:
    engine = _prose_engine()
    reply = engine.ask("are there prebuilt wheels?")
    assert reply.kind == "answer" and "pre-built wheels" in reply.text


def test_two_words_of_the_source_are_found_written_as_one() -> None:
    engine = _prose_engine()
    reply = engine.ask("does inkwell have a contextmanager for streaming")
    assert reply.kind == "answer" and "context manager" in reply.text
    # A word of no meaning first makes no compound ("andthe" is a typo, not a word).
    assert "andthe" not in engine.index.compounds


def test_an_answer_adds_what_the_rest_of_its_section_says_of_the_question() -> None:
    first = (
        "Widget writes a lockfile beside the manifest. The lockfile records the exact "
        "version of every package that was resolved, so a build made next year resolves "
        "the very same versions as a build made today and nothing changes by surprise. "
        "Keep the lockfile in version control for that reason."
    )
    second = (
        "Plugins are different. A plugin is used by many projects, each with its own "
        "lockfile, so the lockfile of the plugin itself is ignored by the projects that "
        "depend on it. Plugin authors can still commit it to test their own builds. "
        "The projects decide which versions they get, within what the plugin allows."
    )
    doc = importer.read_markdown(f"# Widget Notes\n\n## Lockfiles\n\n{first}\n\n{second}\n", "n.md")
    engine = Engine(importer.build([doc], subject="Widget").kb)
    assert len(engine.kb.passages) == 2  # the section is cut in two
    reply = engine.ask("does the lockfile record exact versions, and what about plugins?")
    assert reply.kind == "answer"
    assert "records the exact version" in reply.text and "A plugin is used by many" in reply.text


def test_a_heading_with_a_facet_word_is_still_asked_about() -> None:
    text = "A client instance keeps its connections open and reuses them for every request. " * 3
    doc = importer.read_markdown(f"# Widget Guide\n\n## Client instances\n\n{text}\n", "g.md")
    (passage,) = importer.build([doc], subject="Widget").kb.passages
    assert "Tell me about client instances" in passage.questions  # not only "examples of"


def test_names_are_counted_in_one_pass_as_one_search_each_counts_them() -> None:
    """``_counts`` gives what ``_count`` gives name by name (whole words, any case, a
    hyphen no boundary), on texts with the awkward cases."""
    import random

    rng = random.Random(4)
    pieces = [
        "Options API",
        "options api",
        "API",
        "Vue",
        "vue-router",
        "X-Men",
        "x-men's",
        "Options  API",
        "Options-API",
        "_Vue",
        "Vue_",
        "Vue2",
        "İstanbul",
        "ß",
        "the",
        "Composition API",
        ".",
        ", ",
        "\n",
        "(Vue)",
        "Options API-like",
    ]
    names = [
        "Options API",
        "API",
        "Vue",
        "X-Men",
        "Options-API",
        "Composition API",
        "Istanbul",
        "Vue2",
        "Missing Name",
    ]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30)))
        counts = importer._counts(names, text)
        assert {n: counts[n] for n in names} == {n: importer._count(n, text) for n in names}, text


def test_a_guide_comparing_two_things_in_its_headings(tmp_path: Path) -> None:
    """A heading "Differences between Kettlebox and brewdex" names both subjects (one
    in lower case, which no capitalised-name search finds); then "and in brewdex?"
    after a passage on a topic both share asks that topic of the other one."""
    draft = importer.import_sources([str(DOCS / "kettlebox-guide.md")], tmp_path / "kb")
    assert [s.name for s in draft.kb.subjects] == ["Kettlebox", "brewdex"]
    engine = Engine(load(tmp_path / "kb"))
    first = engine.ask("how are missing readings handled in Kettlebox", "c")
    assert "explicit gap" in first.text
    other = engine.ask("and in brewdex?", "c")
    assert other.kind == "answer"
    assert "with a dash" in other.text
    assert "explicit gap" not in other.text


def test_a_guide_for_those_coming_from_another_thing() -> None:
    assert importer._MOVED_FROM.match("Coming from Pandas")
    assert importer._MOVED_FROM.match("Migrating from Vue 2 to Vue 3")
    assert not importer._MOVED_FROM.match("Where the coming storm comes from")
    pair = importer._compared_pair(
        ["Key differences between Alpha and beta"], "Alpha beta Alpha beta alpha Beta"
    )
    assert pair == ("Alpha", "beta")
    assert importer._compared_pair(["Differences between Alpha and beta"], "Alpha beta") is None


def test_a_compatibility_page_is_about_the_rare_word_it_names_most() -> None:
    """ "Compatibility with `pip`": the page compares pip with the thing it is about,
    named in lower case ("uv"), the word rare in English that it uses most."""
    assert importer._COMPATIBLE_WITH.match("Compatibility with pip and pip-tools")
    assert not importer._COMPATIBLE_WITH.match("Compatibility notes for the next release")
    text = " ".join(
        ["zapp installs packages faster than pip, and zapp reads the same files."] * 6
        + ["Where pip reads a file, zapp reads it too; Python is needed by both."] * 5
    )
    assert importer._most_named_rare_word(text, exclude={"pip"}) == "zapp"
    assert importer._most_named_rare_word("zapp " * 9, exclude=set()) == ""
    doc = Document(title="Compatibility with `pip`", blocks=[Block("paragraph", text)])
    assert [s.name for s in importer.find_subjects([doc], None)] == ["zapp", "pip"]


def test_a_page_about_a_topic_is_named_after_its_title_as_the_text_writes_it() -> None:
    """A page titled "Garden Design in 4 minutes" that writes "garden design" in lower
    case is about "Garden Design"; a page whose title the text never names is not
    about "The", however often the text writes it with a capital."""
    text = " ".join(
        ["The first rule of garden design is light. The beds face south, Mostly."] * 4
        + ["The paths come next; Gravel drains better than The lawn, and The beds."] * 4
    )
    doc = importer.read_markdown(
        f"# Garden Design in 4 minutes\n\n## Light\n\n{text}\n\nGarden design: done.\n", "g.md"
    )
    names = [s.name for s in importer.build([doc]).kb.subjects]
    assert names == ["Garden Design"]
    unnamed = importer.read_markdown(f"# Notes\n\n## Light\n\n{text}\n", "n.md")
    assert [s.name for s in importer.build([unnamed]).kb.subjects] != ["The"]


SHELL_FAQ = """# FAQ

## What is Oh My Shell?

Shell is a program which runs commands. Oh My Shell is a framework built on top of
Shell, with plugins and themes. You can use Shell without Oh My Shell, but you can't
use Oh My Shell without Shell.

## What is a shell plugin?

A shell plugin is just a script that Shell can run. Oh My Shell loads plugins at start.

## I have enabled a completion plugin but the completion doesn't work

Oh My Shell resets the completion cache when the plugin list changes. Update Oh My Shell.

## How do I install Shell on Windows?

You can't install Shell directly on Windows. You need Cygwin or WSL, and then Oh My
Shell installs as it does on Linux.

## Some commands no longer work after installing Oh My Shell

If you changed the PATH variable for other software, re-add those changes to your
Oh My Shell config so that the commands work again.
"""


def test_a_faq_about_a_longer_name_is_about_it_and_its_answers_are_its_own() -> None:
    """A FAQ titled only "FAQ" about "Oh My Shell", which is built on "Shell": one
    subject, the longer name the text uses (not "Shell vs Oh My Shell"); a heading's
    slug is not a facet's name ("what is a shell plugin" is answered by its heading,
    not by every passage whose long id says "plugin"); and, with one subject, a name
    in a how-it-works question is asked about ("how do I get it working on Windows?")."""
    doc = importer.read_markdown(SHELL_FAQ, "faq.md")
    kb = importer.build([doc]).kb
    assert [s.name for s in kb.subjects] == ["Oh My Shell"]
    engine = Engine(kb)
    assert engine.ask("what even is a shell plugin").sources[0].passage_id == (
        "what-is-a-shell-plugin"
    )
    widget = importer.read_markdown(
        "# Widget FAQ\n\n## How do I install Widget on Windows?\n\nWidget runs on "
        "Windows 11 under WSL only.\n\n## Some commands no longer work\n\nWidget "
        "needs your PATH again: re-add it so that the commands work.\n\n## What is "
        "Widget?\n\nWidget is a tool. Widget works on Linux.\n",
        "widget.md",
    )
    engine = Engine(importer.build([widget]).kb)
    reply = engine.ask("how do i get widget working on windows")
    assert reply.sources[0].passage_id == "how-do-i-install-widget-on-windows"


MAPPING_GUIDE = """# For Sundial users

Dialed borrows ideas from Sundial, but there are differences. Dialed objects are
immutable, while Sundial objects change in place. Dialed months are 1-indexed, while
Sundial months start at 0. Sundial is lenient when parsing; Dialed is strict.
Dialed formats dates with the platform, where Sundial ships its own locale files.

## Creation

| Operation | Sundial        | Dialed              | Notes                                  |
| --------- | -------------- | ------------------- | -------------------------------------- |
| Now       | `sundial()`    | `Dial.now()`        |                                        |
| From text | `sundial(s)`   | `Dial.fromText(s)`  | The format tokens differ between them. |

## Getters

| Property | Sundial  | Dialed | Notes                       |
| -------- | -------- | ------ | --------------------------- |
| Year     | `year()` | `year` | Dialed getters are fields.  |
"""


def test_tables_that_map_one_thing_onto_another_are_text_with_their_notes() -> None:
    """A guide "For Sundial users" mapping Sundial's calls onto Dialed's in several
    tables of the same columns, with a Notes column: it compares Dialed with Sundial
    (not "For", not "Notes"); the tables are text to look things up in, notes
    included, and the comparison is the prose's."""
    kb = importer.build([importer.read_markdown(MAPPING_GUIDE, "guide.md")]).kb
    assert sorted(s.name for s in kb.subjects) == ["Dialed", "Sundial"]
    assert not kb.table
    engine = Engine(kb)
    assert "Dial.now()" in engine.ask("dialed equivalent of sundial()").text
    assert "format tokens differ" in engine.ask("are the format tokens the same in dialed?").text
    compared = engine.ask("what are the differences between dialed and sundial?")
    assert compared.kind == "compare" and "immutable" in compared.text


def test_a_notes_column_annotates_the_comparison_rows() -> None:
    """One comparison table with a Notes column: two subjects, and what the notes say
    is kept as text."""
    text = (
        "# Kettles vs Pots\n\nKettles boil water. Pots cook food. Kettles are quick.\n\n"
        "## At a glance\n\n| Aspect | Kettles | Pots | Notes |\n| --- | --- | --- | --- |\n"
        "| Speed | fast | slow | A lid makes pots faster. |\n| Use | water | food | |\n"
    )
    kb = importer.build([importer.read_markdown(text, "k.md")]).kb
    assert [s.name for s in kb.subjects] == ["Kettles", "Pots"]
    assert [r.aspect for r in kb.table] == ["Speed", "Use"]
    assert any("A lid makes pots faster" in p.text for p in kb.passages)


def test_a_name_holding_common_words_is_one_term_and_its_what_is_heading_defines_it() -> None:
    """ "Oh My Widget", named beside "Widget" in Widget's FAQ: one term (else "what is
    oh my widget" asks only for "widget", "oh" and "my" being filler and stopwords),
    and "What is X and what does it have to do with Y?" is X's definition."""
    text = (
        "# Widget FAQ\n\n## What is a Widget plugin?\n\nA Widget plugin is a script that "
        "Widget runs.\n\n## What is Oh My Widget and what does it have to do with Widget?\n\n"
        "Widget is a shell. Oh My Widget is a framework built on top of Widget.\n\n"
        "## How do I remove Oh My Widget?\n\nRun the uninstaller of Oh My Widget: it "
        "restores your Widget settings.\n\n## What is a Widget theme?\n\nA Widget theme "
        "sets the colours of Widget.\n\n## How do I install Widget?\n\nUse the package "
        "manager of your system to install Widget.\n"
    )
    draft = importer.build([importer.read_markdown(text, "faq.md")])
    assert [s.name for s in draft.kb.subjects] == ["Widget"]
    assert "oh my widget" in draft.synonyms
    first = next(p for p in draft.kb.passages if p.id.startswith("what-is-oh-my-widget"))
    assert first.facet == "definition"
    reply = Engine(draft.kb).ask("what is oh my widget")
    assert reply.sources[0].passage_id == first.id


JUDGED_FAQ = """# Widget FAQ

Widget is a build tool for small projects.

## Will Widget have plugins?

Plugins are not planned. Widget keeps its core small, and every feature it has
is built in, so that projects build the same way on every machine.

## Why shouldn't I run Widget as root?

Running Widget as root lets a build script change any file on the machine.
Run it as your own user, and give it only the folders a project needs.

## How does Widget compare to Gadget?

Gadget has superior plugin support and a larger community. Widget's error
messages are superior, and it starts in a tenth of the time Gadget takes.
"""


def test_a_judgement_the_source_poses_or_states_itself_is_answered() -> None:
    engine = _markdown_engine(JUDGED_FAQ, "faq.md")
    soon = engine.ask("plugins coming to widget anytime soon?")
    assert soon.kind == "answer" and "not planned" in soon.text  # "Will Widget have ...?"
    root = engine.ask("should i run widget as the root user")
    assert root.kind == "answer" and "own user" in root.text  # "Why shouldn't I ...?"
    engine.ask("how does widget compare to gadget", "c")
    better = engine.ask("which one has better error messages?", "c")  # stated as "superior"
    assert better.kind == "answer" and "error messages are superior" in better.text
    assert engine.ask("will widget make me a better person?").kind == "refusal"
    assert engine.ask("is widget better than haskell for learning fp?").kind == "refusal"


def test_which_of_the_compared_subjects_does_better_is_the_topic_the_source_weighs() -> None:
    engine = _prose_engine()
    reply = engine.ask("timeouts, which one handles them better")
    assert reply.kind == "answer" and "five seconds" in reply.text
    assert engine.ask("which one will look better in ten years?").kind == "refusal"


def test_a_long_name_is_also_found_by_its_initials() -> None:
    assert importer._initials("Oh My Zsh") == ["omz"]
    assert importer._initials("Can All Tigers") == []  # "cat" is a word of its own
    assert importer._initials("Machine Learning") == []  # two words: its own short name
    text = "Oh My Zsh is a framework for Zsh. Update Oh My Zsh often; Oh My Zsh is free."
    doc = importer.read_markdown(f"# Oh My Zsh FAQ\n\n## Is it free?\n\n{text}\n", "faq.md")
    kb = importer.build([doc]).kb
    engine = Engine(kb)
    reply = engine.ask("is omz free?")
    assert reply.kind == "answer" and "free" in reply.text


def test_headings_an_extractor_drops_are_put_back_where_they_stood() -> None:
    html = (
        "<html><body><h1>Widget Tutorial: config files</h1>"
        '<h2><a name="what">What they are</a> <a class="permalink" href="#what">&para;</a></h2>'
        "<p>Config files provide a way to change settings per folder.</p>"
        "<div class='note'><h3>Note:</h3><p>Keep them short.</p></div>"
        '<h2><a name="when">When to use them</a></h2>'
        "<p>In general you should only use config files when you must.</p>"
        "<pre># In the root folder\nSetting on</pre></body></html>"
    )
    text = (
        "Config files provide a way to change\nsettings per folder.\n\nKeep them short.\n\n"
        "In general you should only use config files when you must.\n\n"
        "# In the root folder\nSetting on\n"
    )
    restored = importer.restore_headings(html, text)
    headings = [line for line in restored.splitlines() if line.startswith("#")]
    assert headings == ["## What they are", "## When to use them"]  # "Note:" labels a box
    assert "\\# In the root folder" in restored  # a comment of the code, not a heading
    assert importer.restore_headings("<p>no headings</p>", text) == text


def test_lists_an_extractor_drops_are_put_back_after_the_paragraph_that_leads_into_them() -> None:
    html = (
        "<html><body><ul class='menu'><li>Home</li><li>Docs</li></ul>"
        "<h1>Shell FAQ</h1><p>History recall is very simple yet effective:</p>"
        "<ul><li>The <b>Up</b> arrow recalls whole lines.<ul><li>Type part of a line first"
        " to constrain it.</li></ul></li><li><em>Alt</em>-<b>&uarr;</b> recalls arguments."
        "</li></ul><p>See the documentation for more.</p></body></html>"
    )
    text = (
        "# Shell FAQ\n\nHistory recall is very simple yet effective:\n\n"
        "See the documentation for more.\n"
    )
    restored = importer.restore_lists(html, text)
    assert restored.splitlines()[2:8] == [
        "History recall is very simple yet effective:",
        "",
        "- The Up arrow recalls whole lines.",
        "- Type part of a line first to constrain it.",
        "- Alt-\u2191 recalls arguments.",  # inline tags join, entities are characters
        "",
    ]
    assert "Home" not in restored  # a menu leads from no paragraph of the content
    assert importer.restore_lists(html, restored) == restored  # a list already there stays once


def test_an_html_faq_keeps_an_answer_s_nested_list() -> None:
    html = (
        "<html><head><title>Shell FAQ</title></head><body><h1>Shell FAQ</h1>"
        "<h2>Why doesn't history substitution work?</h2>"
        "<p>Because history substitution is an awkward interface that was invented before"
        " interactive line editing was even possible, the shell drops it.</p>"
        "<p>History recall is very simple yet effective:</p>"
        "<ul><li>The Up arrow recalls whole lines. A single press replaces !!.<ul>"
        "<li>Type any part of the line and then press Up to constrain the recall.</li></ul></li>"
        "<li>Alt-Up recalls individual arguments. A single press replaces !$.</li></ul>"
        "<p>See the documentation for more details about line editing.</p>"
        "<h2>How do I set my prompt?</h2><p>The prompt is the output of the prompt"
        " function, which you can edit and save like any other function.</p></body></html>"
    )
    doc = importer.read_html(html, "faq.html")
    items = [b.text for b in doc.blocks if b.kind == "item"]
    assert any("recalls individual arguments" in item for item in items)


def test_a_fence_opened_at_the_end_of_a_line_is_a_fence() -> None:
    text = "Use `a` and ```\nb c\n```\n\n## Next\n\nText.\n"
    doc = importer.read_markdown(importer._FENCE_AFTER_TEXT.sub("\\1\n```", text), "x.md")
    assert [b.text for b in doc.blocks if b.kind == "heading"] == ["Next"]


def test_a_passage_holding_many_of_the_question_s_terms_answers_despite_its_setting() -> None:
    engine = _markdown_engine(JUDGED_FAQ, "faq.md")
    many = "can a build script change any file if i run widget as root"
    many += " inside crostini on my chromebook"
    reply = engine.ask(many)  # five of its terms are the passage's; the setting is not
    assert reply.kind == "answer" and "own user" in reply.text
    assert engine.ask("does widget run on a chromebook").kind == "refusal"


@pytest.mark.parametrize(
    ("title", "headings", "kind"),
    [
        ("Frequently Asked Questions", ["Install"], "FAQ"),
        ("Typesetting for beginners: a guide", ["Why?", "How do I start?", "Fonts"], "guide"),
        ("Release notes", ["What changed?", "Why?", "Upgrading"], "FAQ"),  # headings that ask
        ("Induction vs gas", ["Heat", "Speed"], "article"),
        ("How to Contribute to Open Source", ["Why contribute?", "Anatomy", "Finding"], "guide"),
    ],
)
def test_a_source_is_named_by_its_kind(title: str, headings: list[str], kind: str) -> None:
    assert importer._kind(title, headings) == kind


def test_a_table_too_long_to_show_whole_shows_first_sentences_and_names_the_rest() -> None:
    cell = "It does {n} things in a long and careful way. " + "More words follow here. " * 8
    rows = "\n".join(
        f"| Aspect {n} | {cell.format(n=n)} | {cell.format(n=n + 100)} |" for n in range(30)
    )
    intro = "# Alpha vs Beta\n\nAlpha and Beta are two tools.\n\n## Comparison\n\n"
    text = f"{intro}| | Alpha | Beta |\n|---|---|---|\n{rows}\n"
    engine = _markdown_engine(text, "ab.md")
    reply = engine.compare()
    assert reply.kind == "compare" and len(reply.text) <= 2000
    assert "• Alpha: It does 0 things in a long and careful way.\n" in reply.text
    assert "More words follow" not in reply.text
    assert "Aspect 29" in reply.text.splitlines()[-1]  # named, to ask about
    assert "More words follow" in engine.compare("aspect 29").text  # one row: whole


def test_a_raw_html_table_in_markdown_is_a_table() -> None:
    text = """# Alpha vs Beta

Alpha and Beta are two tools. ![A diagram of both](both.svg){ width="700" }

<!-- an editor's note, not content -->

<table style="both">
    <tr><td></td><td><b>Alpha</b></td><td><b>Beta</b></td></tr>
    <tr><td><b>Made by</b></td><td>Acme</td><td>Initech</td></tr>
    <tr><td><b>Language</b></td><td>Written in Go.
        <p>Plugins are <a href="x">written in Lua</a>.</p></td><td>Written in Rust.</td></tr>
</table>
"""
    doc = importer.read_markdown(text, "ab.md")
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.rows == (
        ("", "Alpha", "Beta"),
        ("Made by", "Acme", "Initech"),
        ("Language", "Written in Go. Plugins are written in Lua.", "Written in Rust."),
    )
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs == ["Alpha and Beta are two tools. A diagram of both"]
    kb = importer.build([doc]).kb
    assert [r.aspect for r in kb.table] == ["Made by", "Language"]


def test_a_faq_without_a_title_is_about_the_name_it_writes_in_lower_case() -> None:
    text = " ".join(f"Run yt-dlp with option {n}. Then yt-dlp prints it." for n in range(8))
    text += " It runs on Windows, and also on Windows too, so Windows users can."
    assert importer._one_subject("faq", "", text) == "yt-dlp"


def test_a_title_naming_two_topics_names_both() -> None:
    text = "Security matters. Cryptography helps security. Cryptography is maths. " * 2
    assert importer._one_subject("Security and Cryptography", "", text) == (
        "Security and Cryptography"
    )
    # Trimmed to the name the text uses, never to one that ends on "and".
    assert importer._one_subject("Security and Privacy", "", "Security matters. " * 3) == (
        "Security"
    )


WIDGET_FAQ = """# Widget FAQ

## Known issues

See the pinned issue for a list of currently known issues of Widget, and the bug
tracker for all of them.

## Cookies

Widget can export your browser cookies to a text file for later downloads. Take
care not to let this text file fall into the wrong hands: it holds every site's
cookies.

## Installing

Widget installs with pip on every platform.
"""


def test_what_the_source_itself_says_is_no_question_about_now_or_an_opinion() -> None:
    engine = _markdown_engine(WIDGET_FAQ, "faq.md")
    known = engine.ask("where can i see a list of currently known issues")
    assert known.kind == "answer" and "pinned issue" in known.text
    assert engine.ask("is widget down today?").kind == "refusal"  # the FAQ says nothing of now
    risky = engine.ask("is exporting my cookies to a txt file dangerous?")
    assert risky.kind == "answer" and "wrong hands" in risky.text
    assert engine.ask("is it dangerous to install widget with pip?").kind == "refusal"
    assert engine.ask("can you tell me what you're able to do").kind == "help"


QUILL_GUIDE = """# Quill guide

Quill is a toolkit for drawing user interfaces on every platform.

## Rendering

Quill renders its widgets with the Impeller engine, which talks straight to the GPU
using Metal or Vulkan, whichever the device has.

## Plugins

Quill loads plugins from the plugins folder when it starts. A plugin can add widgets.

## Compose

Compose is a declarative framework for shared screens, built on Kotlin and Jetpack.
"""


def test_a_follow_up_that_points_back_stays_on_the_passage_shown() -> None:
    engine = _markdown_engine(QUILL_GUIDE, "quill.md")
    engine.ask("how does quill render its widgets?", conversation="a")
    # "graphics" is no word of the guide: "it" still says what the question is about.
    reply = engine.ask("what graphics apis does it go through?", conversation="a")
    assert reply.kind == "answer" and "Metal" in reply.text
    engine.ask("what's compose?", conversation="b")
    built = engine.ask("what is it built on?", conversation="b")  # no definition asked
    assert built.kind == "answer" and "Kotlin and Jetpack" in built.text


def test_a_follow_up_in_everyday_words_asks_about_the_passage_just_shown() -> None:
    engine = _markdown_engine(QUILL_GUIDE, "quill.md")
    engine.ask("quill won't load my plugins", conversation="a")
    fix = engine.ask("how do I fix it?", conversation="a")
    assert fix.kind == "answer" and "plugins folder" in fix.text
    engine.ask("quill won't load my plugins", conversation="b")
    assert "plugins folder" in engine.ask("is there a fix?", conversation="b").text
    # A word of its own the guide lacks is a new question, not one about the passage.
    assert engine.ask("how do I fix it on a chromebook?", conversation="a").kind == "refusal"


def test_a_request_for_the_table_names_no_row_by_its_wording() -> None:
    text = """# Alpha vs Beta

Alpha and Beta are two shells.

## Comparing features

| Feature | Alpha | Beta |
|---|---|---|
| Integration between Windows and Linux | Yes | Yes |
| Small footprint compared to virtual machines | Yes | No |
| Fast boot times | No | Yes |
"""
    engine = _markdown_engine(text, "ab.md")
    for question in (
        "can you give me the feature comparison table between alpha and beta",
        "how is alpha different from beta overall?",
        "how do alpha and beta differ?",  # no passage tells the difference: the table
    ):
        reply = engine.ask(question)
        assert reply.kind == "compare" and len(reply.rows) == 3, question
    assert [r.aspect for r in engine.ask("alpha vs beta boot times").rows] == ["Fast boot times"]


def test_a_bold_question_above_its_answer_is_a_heading() -> None:
    html = """<html><head><title>Quill FAQ</title></head><body>
<nav><a href="/">Home</a> <a href="/docs">Docs</a></nav>
<main><h2>General</h2>
<p><a name="what"><b>What is Quill?</b></a><br/><br/>
Quill is a small tool that draws user interfaces on every platform, from phones to desktops.</p>
<p><a name="license"><b>What license does Quill use?</b></a><br/><br/>
Quill is released under the MIT license, so you can use it in closed projects too.</p>
<p><b>Note:</b> answers are kept short on purpose, and every one of them links to the docs.</p>
</main><footer>Copyright Quill</footer></body></html>"""
    doc = importer.read_html(html, "faq.html")
    headings = [(b.text, b.level) for b in doc.blocks if b.kind == "heading"]
    assert ("What is Quill?", 3) in headings and ("What license does Quill use?", 3) in headings
    assert not [h for h, _ in headings if h.startswith("Note")]  # a label, not a heading
    engine = Engine(importer.build([doc]).kb)
    reply = engine.ask("what licence is quill under?")
    assert reply.kind == "answer" and "MIT license" in reply.text


def test_a_heading_that_holds_the_question_answers_it_however_it_is_asked() -> None:
    text = """# Squash FAQ

## I compressed a file and Squash said "warning: skipping unknown chunk LIST". Why?

Squash keeps only the audio of a file: a chunk it does not know, such as a LIST
chunk of tags, is left out and the audio is the same.

## What are the properties of a Squash archive?

Every archive is lossless, seekable and checksummed, whatever its size.
"""
    engine = _markdown_engine(text, "faq.md")
    asked = "I got 'warning: skipping unknown chunk LIST' when compressing. should I worry?"
    reply = engine.ask(asked)
    assert reply.kind == "answer" and "audio is the same" in reply.text
    assert engine.ask("should I use squash for my startup's backups?").kind == "refusal"
    properties = engine.ask("what are the properties of an archive?")
    assert properties.kind == "answer" and "seekable" in properties.text


def test_a_row_of_marks_gives_way_to_the_section_that_explains_it() -> None:
    text = """# Alpha vs Beta

Alpha and Beta are two ways to run Linux tools.

## Comparing features

| Feature | Alpha | Beta |
|---|---|---|
| Full system call compatibility | ❌ | ✅ |
| IPv6 support | ✅ | ✅ |

## Full system call compatibility

Beta includes its own kernel, so every program runs, such as Docker, and kernel
updates are ready at once.
"""
    engine = _markdown_engine(text, "ab.md")
    gain = engine.ask("what do I gain from full system call compatibility?")
    assert gain.kind == "answer" and "Docker" in gain.text
    ipv6 = engine.ask("does ipv6 work in alpha?")  # no section explains it: the row
    assert "✅" in ipv6.text


def _long_section_engine() -> Engine:
    filler = " ".join(
        f"Point {n} of the keys is told here at some length, so the section is cut in parts."
        for n in range(14)
    )
    text = f"""# Crypto notes

Notes on keys and randomness.

## Symmetric cryptography

Symmetric cryptography hides a message with one secret key shared by both sides. {filler}

An example of a symmetric cryptosystem in wide use today is AES.

## Entropy

Entropy is a measure of randomness, useful to judge a password. {filler}

Entropy is measured in bits: a fair coin flip gives one bit.

## Hash functions

For example, SHA1 is a hash function, used in Git. For instance, a file's hash names it.
"""
    return _markdown_engine(text, "notes.md")


def test_a_follow_up_finds_its_answer_further_on_in_the_section_shown() -> None:
    engine = _long_section_engine()
    first = engine.ask("what is symmetric cryptography", conversation="a")
    assert "AES" not in first.text  # the section is cut in parts; the example is later
    example = engine.ask("name an example", conversation="a").text
    assert "AES" in example and "SHA1" not in example  # its own section's, not any
    engine.ask("what is entropy in the password sense?", conversation="b")
    unit = engine.ask("what unit is it measured in?", conversation="b")
    assert unit.kind == "answer" and "bits" in unit.text


def test_a_thing_a_sentence_starts_with_is_explained_there() -> None:
    text = """# Hashing notes

Notes on hashing.

## Hash functions

A cryptographic hash function maps data of any size to a fixed size. Git uses SHA1.

## Outputs

A hash gives text, numbers or synthetic data, depending on the tool.
"""
    engine = _markdown_engine(text, "notes.md")
    reply = engine.ask("what is a cryptographic hash function, simply?")
    assert reply.kind == "answer" and "maps data" in reply.text
    # Only named in a list: the notes mention it, they don't explain it.
    assert engine.ask("what is synthetic data?").kind == "refusal"


TUBER_FAQ = """# Tuber FAQ

## How do I download only new videos from a playlist?

Use the archive feature: Tuber records what it fetched and skips it on the next run.

## How do I pass cookies to Tuber?

Export them from the browser with the cookies option, or name a cookies file.

## Why is my download slow?

A site may throttle downloads; Tuber can fetch several fragments at once.

## Do I need other programs?

Tuber needs ffmpeg to merge separate audio and video streams into one file.

## What does HTTP error 429 mean?

The site is blocking your address for a while because of too many requests.

## How do I report a bug?

Open an issue on the tracker with the full verbose output of the command.
"""


def test_a_heading_that_holds_three_terms_of_the_question_answers_its_wordy_form() -> None:
    engine = _markdown_engine(TUBER_FAQ, "faq.md")
    # "weekly", "cron" and "job" are no words of the FAQ; its heading holds the rest.
    reply = engine.ask("new videos in a playlist only, how, weekly cron job")
    assert reply.kind == "answer" and "archive feature" in reply.text
    assert engine.ask("how much does tuber cost per month?").kind == "refusal"


def test_a_copyright_year_is_no_date_of_the_page() -> None:
    html = """<html><head><title>Quill FAQ</title></head><body><main><h1>Quill FAQ</h1>
<h2>What is Quill?</h2><p>Quill is a small tool that draws user interfaces on every
platform, from phones to desktops and back.</p></main>
<footer>Copyright 2000-2009 Quill developers</footer></body></html>"""
    assert importer.read_html(html, "faq.html").date == ""
    dated = html.replace("<main>", "<main><time datetime='2024-05-06'>6 May 2024</time>")
    assert importer.read_html(dated, "faq.html").date == "2024-05-06"


def test_a_name_of_letters_and_digits_the_source_lacks_is_named_in_the_refusal() -> None:
    engine = _markdown_engine(TUBER_FAQ, "faq.md")
    reply = engine.ask("can tuber save videos in 4k?")
    assert reply.kind == "refusal" and "“4k”" in reply.text
    assert engine.ask("what does HTTP error 429 mean?").kind == "answer"  # a number, known


def test_a_faq_of_top_level_questions_takes_its_title_from_the_page() -> None:
    html = """<html><head><title>fish: Frequently asked questions</title></head><body>
<nav><a href="/">Home</a> <a href="/docs">Docs</a></nav><main>
<h1>How do I set an environment variable?</h1><p>Use the set command of fish with
the -x flag; fish exports it to every program it starts from then on.</p>
<h1>How do I set my prompt?</h1><p>Define a function called fish_prompt; fish runs
it each time it shows the prompt, and prints what it prints.</p>
</main></body></html>"""
    doc = importer.read_html(html, "faq.html")
    assert doc.title == "fish: Frequently asked questions"
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings[0] == "How do I set an environment variable?"  # still a passage
    kb = importer.build([doc]).kb
    assert [s.name for s in kb.subjects] == ["fish"]


def test_a_page_of_differences_from_another_thing_compares_the_two() -> None:
    text = "# Functional differences from glibc\n\n## printf\n\n" + " ".join(
        f"musl prints case {n} one way, while glibc prints it another." for n in range(10)
    )
    kb = importer.build([importer.read_markdown(text, "diff.md")]).kb
    assert sorted(s.name for s in kb.subjects) == ["glibc", "musl"]


def test_a_chapter_without_a_top_heading_takes_its_title_and_subject_from_its_first() -> None:
    text = (
        "## What Is Ownership?\n\n"
        + " ".join(f"Ownership rule {n} says how a program manages memory." for n in range(10))
        + "\n\n### Variable Scope\n\nA variable is valid from where it is declared.\n"
    )
    doc = importer.read_markdown(text, "ch04.md")
    assert doc.title == "What Is Ownership?"
    assert [s.name for s in importer.build([doc]).kb.subjects] == ["Ownership"]


def test_options_a_page_weighs_for_its_subject_are_no_second_subject() -> None:
    sentence = "Redis can log every write to the AOF file, and AOF replays it at startup."
    text = (
        "# Redis persistence\n\nRedis offers RDB snapshots and the AOF log.\n\n"
        "## RDB advantages\n\nRDB files are compact, and Redis forks to write RDB.\n\n"
        f"## AOF advantages\n\n{' '.join([sentence] * 5)}\n\n"
        "## AOF disadvantages\n\nAOF files are bigger than RDB files.\n"
    )
    kb = importer.build([importer.read_markdown(text, "persistence.md")]).kb
    assert [s.name for s in kb.subjects] == ["Redis"]  # not "AOF vs Redis"


def test_questions_set_as_labels_of_their_answers_are_headings() -> None:
    answer = "The kart racing game aims towards fun for players of all skill levels."
    html = (
        "<html><head><title>FAQ - Karts</title></head><body><h2>General Questions</h2>"
        '<div><input type="checkbox" id="q0"/><label class="qa-question" for="q0">'
        f"What is the game?</label><div class='qa-answer'><p>{answer}</p></div></div>"
        '<div><label class="qa-question" for="q1">What are the hardware requirements?</label>'
        "<div class='qa-answer'><p><strong>GPU</strong></p><p>The GPU is usually the limit"
        " for the game's performance on older machines.</p><p><strong>CPU</strong></p>"
        "<p>Any dual core processor runs it, though old mobile parts may struggle.</p>"
        "</div></div></body></html>"
    )
    doc = importer.read_html(html, "faq.html")
    headings = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert (3, "What is the game?") in headings
    assert (3, "What are the hardware requirements?") in headings
    titles = [s.title for s in importer.sections(doc)]
    # a short heading under another is named with it; a question stands alone
    assert titles == [
        "What is the game?",
        "What are the hardware requirements: GPU",
        "What are the hardware requirements: CPU",
    ]


def test_a_heading_naming_a_compared_subject_stands_alone() -> None:
    text = (
        "# A and B\n\n## Beta and Gamma: tools for work\n\nBoth help.\n\n"
        "### Gamma\n\nGamma is one.\n\n### How it works\n\nIt works.\n"
    )
    doc = importer.read_markdown(text, "ab.md")
    subjects = [importer._subject(n, "", {}) for n in ("Beta", "Gamma")]
    titles = [s.title for s in importer.sections(doc, subjects)]
    assert titles == ["Beta and Gamma: tools for work", "Gamma", "Beta and Gamma: How it works"]
    assert [s.title for s in importer.sections(doc, subjects[:1])][1] == "Beta and Gamma: Gamma"


def test_everyday_names_of_platforms_and_shortenings_find_the_source_s_word() -> None:
    text = (
        "# Kart FAQ\n\n## Where is the configuration stored?\n\n"
        "- On Linux: it is in ~/.config/kart.\n- On macOS: it is in ~/Library/kart.\n\n"
        "## Is Kart a Mario Kart clone?\n\nNo. Kart has its own tracks, karts and items.\n\n"
        "## Why do some controllers not work?\n\nA controller needs a driver first.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    for question, passage in [
        ("where does kart keep its config on a mac", "where-is-the-configuration-stored"),
        ("is kart just a mario kart ripoff", "is-kart-a-mario-kart-clone"),
        ("my gamepad doesnt work with kart", "why-do-some-controllers-not-work"),
    ]:
        reply = engine.ask(question)
        assert reply.kind == "answer" and reply.sources[0].passage_id == passage, question


def test_a_license_is_answered_only_where_the_source_names_one() -> None:
    text = (
        "# Kart FAQ\n\n## What is Kart?\n\nKart is a racing game with tracks, karts and items"
        " for players of all skill levels.\n\n## Can I share Kart?\n\nKart is released as free"
        " software under the GPL, so you may share it.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    assert "GPL" in engine.ask("what license is kart released under?").text
    text = text.replace("as free software under the GPL, so you may share it", "every year")
    reply = _markdown_engine(text, "faq.md").ask("what license is kart released under?")
    assert reply.kind == "refusal"  # a release, but no license


def test_should_i_use_a_or_b_is_answered_only_where_the_source_advises() -> None:
    text = (
        "# Alpha vs Beta\n\n## Speed\n\nAlpha starts in one second, while Beta starts in"
        " three.\n\n## Versions\n\nAlpha and Beta releases are compatible with each other.\n"
    )
    assert _markdown_engine(text, "ab.md").ask("should i use alpha or beta for my app").kind == (
        "refusal"
    )
    advised = text + "\n## Which one?\n\nWe recommend Alpha for apps and Beta for scripts.\n"
    reply = _markdown_engine(advised, "ab.md").ask("should i use alpha or beta for my app")
    assert reply.kind == "answer" and "recommend Alpha" in reply.text


def test_why_after_an_answer_finds_the_reason_in_its_section_or_in_a_why_heading() -> None:
    text = (
        "# Shell FAQ\n\n## Why doesn't the universal setting work?\n\n"
        "A global setting of the same name already exists, and it wins over it.\n\n"
        "## How do I set a prompt?\n\nEdit the prompt function and save it.\n\n"
        "## Main differences\n\nThe shell has no synthetic events. "
        "It uses the standard event system instead.\n\n"
        "It does this for size and performance reasons.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    engine.ask("the universal setting is not working for me", conversation="a")
    reply = engine.ask("why though?", conversation="a")
    assert "global setting of the same name" in reply.text
    assert reply.sources[0].passage_id == "why-doesnt-the-universal-setting-work"
    engine.ask("so the shell skips synthetic events?", conversation="b")
    assert "performance reasons" in engine.ask("why tho", conversation="b").text


def test_a_faq_s_contents_and_question_numbers_are_no_passages() -> None:
    text = (
        "# Sound FAQ\n\n1. [Does it support MP3?](#Q001)\n2. [What are frames?](#Q002)\n"
        "3. [Can I buy a license?](#Q003)\n\n-----\n\n"
        "## Q1 : Does it support MP3? {#Q001}\n\n~~In the past, MP3 was not supported.~~\n"
        "Update : Starting from version 1.1.0 it supports MP3.\n\n"
        "## Q2 : What are frames? {#Q002}\n\nAn item is a single sample; a frame holds one"
        " item for each channel.\n\n## Q3 : Can I buy a license?\n\nNo, the code is LGPL.\n"
    )
    doc = importer.read_markdown(text, "faq.md")
    assert [b.text for b in doc.blocks if b.kind == "heading"] == [
        "Does it support MP3?",
        "What are frames?",
        "Can I buy a license?",
    ]
    assert not [b for b in doc.blocks if b.kind == "item"]  # the contents are gone
    engine = Engine(importer.build([doc]).kb)
    mp3 = engine.ask("does it support mp3?")
    assert "version 1.1.0" in mp3.text and "not supported" not in mp3.text  # crossed out
    frame = engine.ask("what is a frame vs an item")  # the answer that names both
    assert frame.kind == "compare" and "a frame holds one item" in frame.text


def test_a_page_laid_out_in_tables_gives_its_questions_and_answers() -> None:
    answer = "Yes. The MIT License allows you to keep the changes you made proprietary."
    html = (
        "<html><head><title>FAQ</title></head><body><table><tr><td><h1>The XML toolkit</h1>"
        "</td></tr></table><table><tr><td><ul><li><a href='index.html'>Home</a></li>"
        "<li><a href='faq.html'>FAQ</a></li></ul></td><td><h3>License</h3><ol>"
        f"<li><em>Can I embed the toolkit in a proprietary application?</em><p>{answer}</p>"
        "</li><li><em>What other libraries are needed to compile it?</em><p>It needs no other"
        " library; the normal C API is enough, though it uses zlib when found.</p></li>"
        "</ol></td></tr></table>"
        "<table><tr><th>Option</th><th>Meaning</th></tr><tr><td>--with-zlib</td>"
        "<td>use zlib</td></tr></table></body></html>"
    )
    unwrapped = importer._without_layout_tables(html)
    assert "<td><h1>" not in unwrapped and "<tr><th>Option</th>" in unwrapped  # data stays
    doc = importer.read_html(html, "faq.html")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert "Can I embed the toolkit in a proprietary application?" in headings
    assert "What other libraries are needed to compile it?" in headings
    engine = Engine(importer.build([doc]).kb)
    assert "MIT License" in engine.ask("can i use it in a proprietary app?").text


def test_a_shell_session_is_no_point_of_a_prose_comparison() -> None:
    text = (
        "# Gem for Rubyists\n\nGem is a compiled language, unlike Ruby, and Ruby is not.\n\n"
        "## Using the gem command\n\n```\n$ gem foo.gm Hello Ruby\n```\n\n"
        "Gem compiles the file first, while Ruby interprets it.\n\n"
        + "".join(f"## Topic {n}\n\nGem does thing {n} one way and Ruby another.\n\n" for n in "ab")
    )
    engine = _markdown_engine(text, "gem.md")
    assert [s.name for s in engine.kb.subjects] == ["Gem", "Ruby"]
    whole = engine.ask("what are all the differences between gem and ruby?")
    assert "• Using the gem command: Gem compiles the file first" in whole.text


def test_an_example_asked_of_a_passage_is_the_code_its_section_shows() -> None:
    text = (
        "# Gem for Rubyists\n\nGem is compiled, unlike Ruby.\n\n## Semantic differences\n\n"
        "### Methods\n\nIn Ruby, the following will raise an argument error:\n\n"
        '```ruby\ndef process_data(a, b)\nend\nprocess_data(b: 2, a: "one")\n```\n\n'
        "In Gem, the compiler treats that call as one with the named arguments b and a.\n\n"
        "### Keywords\n\nGem has keywords that Ruby lacks, such as lib and fun.\n"
    )
    engine = _markdown_engine(text, "gem.md")
    named = engine.ask("how do named arguments work in gem?", "a")
    assert "named arguments" in named.text
    example = engine.ask("example?", "a")
    assert "process_data(b: 2" in example.text


def test_a_title_s_one_rare_name_is_the_subject() -> None:
    body = " ".join(f"Report bug {n} of libsndfile to the tracker." for n in range(4))
    faq = "Read the [Frequently Asked Questions](FAQ.md)."
    text = f"# Reporting Bugs in libsndfile\n\n{faq}\n\n{body}\n"
    kb = importer.build([importer.read_markdown(text, "bugs.md")]).kb
    assert [s.name for s in kb.subjects] == ["libsndfile"]
    assert importer._title_name("Building libsndfile on Win32", "libsndfile win32 " * 3) == ""


def test_british_and_american_spellings_find_each_other() -> None:
    text = (
        "# Tool FAQ\n\n## How does Tool handle data?\n\nTool will analyse your data and"
        " organise the results in a catalogue.\n\n## Is Tool free?\n\nTool costs nothing for"
        " small teams.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    for question in ("how does tool analyze data", "does tool organize results?"):
        assert "analyse your data" in engine.ask(question).text, question


def test_a_knowledge_base_of_one_subject_labels_passages_by_section_not_subject() -> None:
    text = (
        "# Kart FAQ\n\n## Installing Kart\n\nKart installs from the store in one step.\n\n"
        "## Updating Kart\n\nKart updates itself from the store every week.\n"
    )
    kb = importer.build([importer.read_markdown(text, "faq.md")]).kb
    engine = Engine(kb)
    passages = list(kb.passages)
    reply = compose.passages_reply(passages, engine.index, scores={}, terms=set(), whole=True)
    assert "Installing Kart: Kart installs" in reply.text and "\nKart: " not in reply.text


def test_a_comparison_point_keeps_the_next_sentence_when_it_says_the_difference() -> None:
    text = (
        "# Gem for Rubyists\n\nAlthough Gem looks like Ruby, Gem is a different language."
        " Because it is compiled, it has big differences compared to Ruby. It is fast.\n\n"
        + "".join(f"## Topic {n}\n\nGem does {n} one way and Ruby another.\n\n" for n in "abcd")
    )
    whole = _markdown_engine(text, "gem.md").ask(
        "what are the main differences between gem and ruby?"
    )
    assert "Because it is compiled, it has big differences compared to Ruby." in whole.text
    assert "It is fast" not in whole.text


def test_a_follow_up_asking_a_figure_finds_it_said_of_what_was_asked_before() -> None:
    text = (
        "# Libc notes\n\n## Name resolver\n\nThe library reads the nameservers in resolv.conf."
        " It uses up to three of them and queries them in parallel.\n\n## Locale\n\n"
        "The C locale of the library is 8-bit clean since version 1.1.11.\n"
    )
    engine = _markdown_engine(text, "libc.md")
    engine.ask("how does it use the nameservers in resolv.conf?", "a")
    reply = engine.ask("how many can i put?", "a")
    assert reply.kind == "answer" and "three" in reply.text


def test_a_crossover_guide_s_side_by_side_tables_are_text_and_comparison_rows() -> None:
    cell = "<td><dl><dt>Commands:</dt><dd><tt>$ {0} init</tt></dd><dt>Explanation:</dt>"
    cell += "<dd>Creates a new repository with {1}.</dd></dl></td>"
    rows = "".join(
        f"<h2>{topic}</h2><p>How to do {topic.lower()} in each.</p><table><tr><th>CVS</th>"
        f"<th>Subversion</th></tr><tr>{cell.format('cvs ' + topic, 'RCS files')}"
        f"{cell.format('svnadmin ' + topic, 'database files')}</tr></table>"
        for topic in ("Repository creation", "Importing data", "Tagging")
    )
    mentions = " ".join(["Subversion keeps history; CVS keeps files; svn and cvs differ."] * 3)
    html = (
        "<html><head><title>CVS to SVN Crossover Guide</title></head><body>"
        f"<h1>CVS to SVN Crossover Guide</h1><p>{mentions}</p>{rows}</body></html>"
    )
    doc = importer.read_html(html, "crossover.html")
    texts = [b.text for b in doc.blocks]
    assert "Subversion: Commands: $ svnadmin Tagging init Explanation: Creates a new" in (
        " ".join(texts)
    )
    kb = importer.build([doc]).kb
    assert [(s.name, s.short) for s in kb.subjects] == [("CVS", "CVS"), ("Subversion", "SVN")]
    # Each task set side by side is a row of the comparison, its heading the aspect.
    assert [r.aspect for r in kb.table] == ["Repository creation", "Importing data", "Tagging"]
    assert kb.table[2].cell("svn").startswith("Commands: $ svnadmin Tagging init")
    engine = Engine(kb)
    named = engine.ask("cvs vs svn: compare importing data and tagging", "a")
    assert named.kind == "compare" and [s.passage_id for s in named.sources] == [
        r.id for r in kb.table[1:]
    ]
    whole = engine.ask("in which ways is svn not like cvs?", "b")
    assert whole.kind == "compare" and len(whole.sources) == 3
    # One side of one task: the passage that says it, not the row cut to fit.
    one = engine.ask("how do i do tagging in svn?", "c")
    assert one.kind == "answer" and one.sources[0].passage_id in {p.id for p in kb.passages}
    assert "svnadmin Tagging init" in one.text


def test_a_title_that_tells_what_to_do_is_about_what_it_is_done_to() -> None:
    body = " ".join(
        f"The Event Loop runs callback {n}, and the Worker Pool runs task {n} for the Event Loop."
        for n in range(6)
    )
    advice = "Don't block the Event Loop. Don't block the Worker Pool either."
    text = f"# Don't Block the Event Loop (or the Worker Pool)\n\n{advice} {body}\n"
    kb = importer.build([importer.read_markdown(text, "loop.md")]).kb
    assert [s.name for s in kb.subjects] == ["Event Loop", "Worker Pool"]  # not "Don't Block"


def test_sync_and_async_are_the_words_the_source_writes_out() -> None:
    text = (
        "# Server notes\n\n## Blocking calls\n\nSynchronous core APIs block the event loop;"
        " use their asynchronous versions in a server.\n\n## Logging\n\nLog to a file.\n"
    )
    engine = _markdown_engine(text, "notes.md")
    assert "Synchronous core APIs" in engine.ask("which sync core apis shouldnt i call").text
    asked = analysis.analyse(analysis.clean("are sync or async calls blocking"), engine.index)
    assert asked.unknown == []


def test_faster_than_is_answered_where_the_source_says_which_is_faster() -> None:
    text = (
        "# Store notes\n\n## Snapshots\n\nSnapshots allow faster restarts with big datasets"
        " compared to the log.\n\n## The log\n\nThe log records every write to the store.\n"
    )
    engine = _markdown_engine(text, "store.md")
    assert "faster restarts" in engine.ask("are restarts faster with snapshots than the log?").text
    assert engine.ask("is the store faster than postgres?").kind == "refusal"


def test_a_code_name_the_source_never_writes_is_a_thing_it_does_not_cover() -> None:
    text = (
        "# Loop notes\n\n## Workers\n\nThe worker pool runs expensive tasks, and each"
        " worker module uses threads; set fish_prompt to change the prompt.\n\n"
        "## Timers\n\nTimers run on the event loop.\n"
    )
    engine = _markdown_engine(text, "loop.md")
    reply = engine.ask("what does the worker_threads module do for a worker?")
    assert reply.kind == "refusal" and "worker_threads" in reply.text
    assert engine.ask("what does fish_prompt change?").kind == "answer"  # one it writes


def test_a_reference_in_brackets_is_no_short_name() -> None:
    text = "Defines need no special care in Meson (GH-6269). Large Language Models (LLMs) do."
    found = importer.abbreviations(text)
    assert "Meson" not in found and found == {"Large Language Models": "LLMs"}


def test_two_things_of_a_one_subject_source_set_against_each_other_are_compared() -> None:
    text = (
        "# Filetool FAQ\n\n## What does sync do?\n\nSync makes the destination identical to"
        " the source, deleting files that are only in the destination.\n\n"
        "## What does copy do?\n\nCopy transfers new and changed files and never deletes"
        " anything in the destination.\n\n"
        "## Does it need a config file?\n\nFiletool reads its settings from filetool.conf.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    each = engine.ask("filetool sync vs filetool copy, what's the deal?", "a")
    assert each.kind == "compare" and "sync vs copy" in each.text.splitlines()[0]
    assert "deleting files" in each.text and "never deletes" in each.text
    assert len(each.text) <= compose.MAX_ANSWER_CHARS
    # Not two things the source has: the answer (or refusal) it gave before.
    assert engine.ask("sync vs rsync?", "c").kind != "compare"
    # A passage that names both sets them against each other itself: that one alone.
    pick = "## How do I pick?\n\nUse copy when two servers write to the same folder; with"
    engine = _markdown_engine(f"{text}\n{pick} sync each would delete the other's files.\n", "f.md")
    both = engine.ask("what's the difference between sync and copy with two servers?", "b")
    assert both.kind == "compare" and [s.passage_id for s in both.sources] == ["how-do-i-pick"]


def test_an_html_fragment_the_extractor_would_mangle_is_read_element_by_element() -> None:
    # A static site's source: front matter, then an HTML fragment with macros, headings
    # that hold code, and definition lists that set two browsers side by side.
    pair = (
        "<p>{lead}</p><dl><dt>In Chrome</dt><dd>{chrome}</dd>"
        "<dt>In Firefox (via the WebExtension API)</dt><dd>{firefox}</dd></dl>"
    )
    sections = "".join(
        f"<h2 id='s{i}'>The <code>{api}</code> API</h2><p>Extensions for Chrome and Firefox"
        f" differ in how {api} works, and the extension must allow for it.</p>"
        + pair.format(
            lead=f"When calling {api}.create():",
            chrome=f"The {api} callback is required.",
            firefox=f"The {api} promise is returned instead.",
        )
        for i, api in enumerate(("notifications", "tabs", "proxy", "windows"))
    )
    html = (
        "---\ntitle: Chrome incompatibilities\nslug: Mozilla/Chrome_incompatibilities\n---\n"
        "<p>{{AddonSidebar}}</p><p>Extensions written for Chrome run on Firefox with minimal"
        " changes; see {{WebExtAPIRef('tabs.query')}} for details.</p>" + sections
    )
    doc = importer.read_html(html, "chrome_incompatibilities.html")
    assert doc.title == "Chrome incompatibilities"
    texts = [b.text for b in doc.blocks]
    assert "The tabs API" in texts and "{{AddonSidebar}}" not in " ".join(texts)
    assert "In Chrome: The tabs callback is required." in texts
    assert any("see tabs.query for details" in t for t in texts)
    kb = importer.build([doc]).kb
    assert sorted(s.name for s in kb.subjects) == ["Chrome", "Firefox"]
    # Each pair is a row, named by the line that introduces it.
    aspects = [r.aspect for r in kb.table]
    assert "The proxy API: When calling proxy.create()" in aspects
    engine = Engine(kb)
    # "extension" is what most of the source is about: it names no row, so all come.
    every = engine.ask("what are all the differences between firefox and chrome for extensions?")
    assert every.kind == "compare" and len(every.sources) == len(kb.table) == 4


def test_a_follow_up_that_names_the_other_subject_and_points_back_asks_of_what_was_shown() -> None:
    text = (
        "# CVS vs Subversion\n\n## Modules\n\nCVS modules gather several directories of the"
        " repository under one name. Subversion does this with the svn:externals property"
        " instead.\n\n## Tags\n\nIn CVS a tag marks a revision of each file. In Subversion a"
        " tag is a cheap copy of a directory.\n\n## Branches\n\nCVS branches are tags of a"
        " special kind. Subversion branches are copies too.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    assert engine.ask("we use cvs modules a lot", "a").sources[0].passage_id == "modules"
    # "counterpart" is no word of the source: the wording of a question about the modules.
    other = engine.ask("whats the svn counterpart to those", "a")
    assert other.kind == "answer" and "svn:externals" in other.text


def test_a_personal_how_to_is_answered_where_the_passage_tells_how_and_only_there() -> None:
    text = (
        "# Syncer FAQ\n\n## Proxies\n\nSyncer follows the standard proxy variables of the"
        " environment, like curl.  You may wish to set both http_proxy and https_proxy for"
        " the proxy server.\n\n## Mirrors\n\nSyncer keeps a mirror of each remote folder,"
        " refreshed every hour from the remote copy of the folder.\n\n## Logs\n\nSyncer writes"
        " a log of each transfer to the log folder.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    proxy = engine.ask("how do i make syncer go through my company proxy")
    assert proxy.kind == "answer" and "https_proxy" in proxy.text
    # The mirrors passage describes them and tells nobody how to change them.
    assert engine.ask("how do i make syncer refresh my company mirror faster").kind == "refusal"


def test_a_checklist_of_instructions_tells_how() -> None:
    text = (
        "# Party guide\n\n## The week before\n\n- Check that the hall is booked for the"
        " evening.\n- Notify your helpers that you need them at the hall an hour before the"
        " start.\n- Send the guests a reminder.\n\n## History\n\nThe first party took place"
        " in a small hall with twenty guests.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    reply = engine.ask("When should my helpers show up on the day?")
    assert reply.kind == "answer" and "an hour before" in reply.text


def test_a_page_titled_a_and_b_that_sets_them_apart_compares_them_by_its_differences() -> None:
    rows = "".join(f"| {n}. Feature {n} | Y | |\n" for n in range(1, 6))
    text = (
        "# Tallyo and Ledgero\n\nTallyo was inspired by Ledgero. This page describes the"
        " differences between Tallyo and Ledgero.\n\n## Differences\n\nCompared to Ledgero,"
        " Tallyo has\n\n- a complete manual\n- easier query syntax\n\nCompared to Tallyo,"
        " Ledgero has\n\n- more speed with large files\n- embedded value expressions\n\n"
        + "".join(
            f"## {topic} differences\n\nTallyo and Ledgero differ in {topic.lower()}: Tallyo"
            f" does it one way, unlike Ledgero, whereas Ledgero does it another way.\n\n"
            for topic in ("Performance", "Command line", "Journal format")
        )
        + "## Journal features\n\n| Supported in Tallyo? | 1.52 | Tallyo name, notes |\n"
        "|---|---|---|\n" + rows + "\nTallyo reads Ledgero files. Ledgero reads Tallyo files.\n"
    )
    kb = importer.build([importer.read_markdown(text, "tallyo.md")]).kb
    # A table of features is no comparison of its columns: the title names the two.
    assert [s.name for s in kb.subjects] == ["Tallyo", "Ledgero"] and not kb.table
    engine = Engine(kb)
    every = engine.ask("pls list me every difference of tallyo vs ledgero, features and commands")
    assert every.kind == "compare" and "more speed with large files" in every.text
    assert every.sources[0].section == "Differences"


def test_a_name_with_an_apostrophe_is_one_subject_and_commands_in_a_question_ask_no_help() -> None:
    body = " ".join(
        f"Integrators of Let's Encrypt renew certificate {n} early, and Let's Encrypt"
        f" limits the rate of request {n}."
        for n in range(4)
    )
    text = f"# Integration Guide\n\n## Renewal\n\n{body}\n\n## Accounts\n\nUse one account.\n"
    kb = importer.build([importer.read_markdown(text, "guide.md")]).kb
    assert [s.name for s in kb.subjects] == ["Let's Encrypt"]
    assert classify("list me every difference, features and commands", english()).kind == (
        "question"
    )
    assert classify("show me all commands", english()).kind == "help"


def test_a_numbered_name_the_passage_names_is_explained_and_options_of_a_thing_ask_of_it() -> None:
    text = (
        "# Copier FAQ\n\n## Ignore the vanished files warning\n\nSome folks would like to ignore"
        " the vanished files warning, which manifests as an exit-code 24. The easiest way is a"
        " shell script wrapper.\n\n## Memory usage\n\nCopier needs about 100 bytes per file;"
        " the --hard-links and --delete options make it use even more memory.\n\n"
        "## Firewalls\n\nCopier can go through a firewall with a proxy host.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    code = engine.ask("my backup script fails. what is exit code 24?")
    assert code.kind == "answer" and "exit-code 24" in code.text
    # Not a code it names: still a thing the source mentions without explaining.
    assert engine.ask("what is exit code 12?").kind == "refusal"
    memory = engine.ask("Which options make copier use even more memory?")
    assert memory.kind == "answer" and "--hard-links" in memory.text


def test_advice_asked_of_a_guide_is_answered_where_it_advises() -> None:
    text = (
        "# Issuer Integration Guide\n\n## Retrying failures\n\nRenewal failure should not be"
        " treated as a fatal error. You should implement graceful retry logic with an"
        " exponential backoff: a reasonable backoff schedule would be one minute, then ten"
        " minutes, then one day.\n\n## Storing keys\n\nIssuer keeps each account key in the"
        " key store of the issuer host, next to the certificate files.\n\n## Ports\n\n"
        "Issuer validates over port 80 for every certificate request to the issuer.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    retry = engine.ask("what retry schedule do you recommend?")
    assert retry.kind == "answer" and "backoff schedule" in retry.text
    # Where the passage found only describes, advice is still declined.
    assert engine.ask("what text editor do you recommend for the key files?").kind == "refusal"


def test_a_cert_is_a_certificate() -> None:
    text = (
        "# Issuer Guide\n\n## Multi-domain certificates\n\nIssuer lets you put up to 100 names"
        " on one certificate. Whether Issuer users take a separate certificate for every"
        " hostname is up to them.\n\n## Renewal\n\nIssuer renews each certificate a third of"
        " the way before it expires.\n\n## Accounts\n\nOne Issuer account can hold every"
        " customer of a hosting provider.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    reply = engine.ask("how many names can I put on one cert?")
    assert reply.kind == "answer" and "100 names" in reply.text


def test_a_short_part_of_a_section_comes_with_the_part_that_goes_on_with_it() -> None:
    text = (
        "# Sound FAQ\n\n## Why aren't performer tags in the cue sheet block?\n\nPlaceholder.\n\n"
        "## Does it support MP3?\n\nNo, the sound format supports lossless audio only.\n\n"
        "## Is it free?\n\nYes, the sound library is free software under the LGPL.\n"
    )
    kb = importer.build([importer.read_markdown(text, "faq.md")]).kb
    first, *rest = kb.passages
    lead = replace(
        first, text="This has turned out to be a polarizing issue and needs a long explanation."
    )
    # The part the importer splits off a long section: the same section, no facet of its own.
    following = replace(
        first,
        id=f"{first.id}-2",
        facet=f"{first.id}-2",
        questions=(),
        text="Such tags belong to the tag block, which a database lookup fills in from the"
        " track offsets.",
    )
    engine = Engine(replace(kb, passages=(lead, following, *rest)))
    reply = engine.ask("why aren't performer tags in the cue sheet block?")
    assert reply.kind == "answer" and "polarizing" in reply.text
    assert reply.sources[0].passage_id == lead.id and "belong to the tag block" in reply.text
    # A part with a topic of its own is not the rest of this one.
    own = replace(following, facet="examples")
    alone = Engine(replace(kb, passages=(lead, own, *rest)))
    assert (
        "belong to the tag block"
        not in alone.ask("why aren't performer tags in the cue sheet block?").text
    )


def test_a_question_that_names_all_of_a_faq_heading_finds_that_entry() -> None:
    text = (
        "# Builder FAQ\n\n## Why is it called Builder?\n\nWhen the name was chosen, no Debian"
        " package could have it. Gluon was considered, then the name Builder was found to be"
        " free.\n\n## Why does building my project with MSVC output static libraries called"
        " libfoo.a?\n\nStatic libraries on Windows are called foo.lib, and import libraries"
        " are called foo.lib too, so Builder has them called libfoo.a.\n\n"
        "## How do I install Builder?\n\nBuilder is installed with pip from PyPI.\n"
    )
    kb = importer.build([importer.read_markdown(text, "faq.md")]).kb
    # An entry whose own example question was dropped: its heading is all there is.
    bare = tuple(replace(p, questions=()) for p in kb.passages)
    reply = Engine(replace(kb, passages=bare)).ask("why the heck is it called builder lol")
    assert reply.sources[0].passage_id == "why-is-it-called-builder", reply.text


def test_a_or_b_how_do_they_compare_and_in_which_aspects_not_same_are_comparisons() -> None:
    text = (
        "# Issuer Guide\n\n## HTTP challenge\n\nThe http-01 challenge puts a file on port 80 of"
        " each frontend the Issuer checks.\n\n## DNS challenge\n\nThe dns-01 challenge puts a TXT"
        " record in the zone, which suits a big fleet of frontends.\n\n## Accounts\n\nOne"
        " Issuer account can hold every customer.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    both = engine.ask("http-01 or dns-01, how do they compare for a fleet of frontends?")
    assert both.kind == "compare" and "port 80" in both.text and "TXT record" in both.text
    prose = _prose_engine()
    every = prose.ask("in which aspects inkwell and quill are not same? tell me everything")
    assert every.kind == "compare"


def test_a_name_written_with_and_without_a_hyphen_finds_both() -> None:
    text = (
        "# Crypto notes\n\n## Hash functions\n\nAn example of a hash function is SHA1, which is"
        " used in Git to name every commit.\n\n## Weak hashes\n\nSHA-1 is no longer considered"
        " a strong cryptographic hash function, and MD5 is broken too.\n\n## Keys\n\nA key"
        " derivation function makes a key from a passphrase.\n"
    )
    engine = _markdown_engine(text, "notes.md")
    reply = engine.ask("is sha1 still strong?")
    assert "no longer considered a strong" in reply.text, reply.text


def test_text_set_straight_after_a_heading_in_an_old_page_is_a_passage() -> None:
    sections = "".join(
        f"<hr>\n<h3><a name={n}>{title}</a></h3>\n\n<p>{body}\n"
        for n, (title, body) in enumerate(
            [
                ("memory usage", "Copier needs about 100 bytes of memory per file it copies."),
                ("read-only file system", "Set read only = no for the module of the daemon."),
            ]
        )
    )
    html = (
        "<HTML><HEAD><TITLE>Copier FAQ</TITLE></HEAD><BODY><H2>Frequently Asked Questions</H2>"
        + sections
        + "<hr>\n<h3><a name=9>inflate (token) returned -5</a></h3>\n\nThis error means that"
        " copier failed to handle an error from the compression code. You can avoid it with a"
        " manually-set block size, or by upgrading the receiving side.\n\n<hr>\n</BODY></HTML>"
    )
    kb = importer.build([importer.read_html(html, "faq.html")]).kb
    last = kb.passages[-1]
    assert last.title == "inflate (token) returned -5" and "block size" in last.text
    # "This error means ..." says what the error is, not what Copier is.
    assert last.facet != "definition"


def test_the_sections_under_the_one_that_tells_the_differences_are_the_comparison() -> None:
    text = (
        "# Migrating from Ingress\n\nThis guide helps you move from Ingress to Gateway API."
        " Ingress and Gateway API differ; Gateway API is the successor of Ingress, unlike"
        " which it has roles.\n\n## Key differences between Ingress and Gateway API\n\n"
        "There are three major differences between Ingress and Gateway API.\n\n### Personas\n\n"
        "Ingress has no personas, whereas Gateway API has four explicit personas.\n\n"
        "### Extensibility\n\nIngress is extended with annotations, while Gateway API has"
        " policies.\n\n## Example\n\nAn Ingress for the shop becomes a Gateway and an HTTPRoute"
        " in Gateway API, and the Ingress is then deleted.\n"
    )
    engine = _markdown_engine(text, "migrating.md")
    reply = engine.ask("what are all the differences between ingress and gateway api?")
    assert reply.kind == "compare" and "four explicit personas" in reply.text
    assert "annotations" in reply.text


def test_a_faq_titled_after_its_audience_is_about_the_name_its_text_uses_most() -> None:
    body = "\n\n".join(
        f"## Question {n}?\n\nF-Droid builds package {n} from source, and F-Droid signs it;"
        f" the author can ask F-Droid to use their key for package {n}."
        for n in range(8)
    )
    intro = "This page is for app developers. Other app developers can help too."
    text = f"---\ntitle: FAQ - App Developers\n---\n\n{intro}\n\n{body}\n"
    kb = importer.build([importer.read_markdown(text, "faq.md")]).kb
    assert [s.name for s in kb.subjects] == ["F-Droid"]
    # As people type it, run together, the name is still the subject.
    assert "fdroid" in kb.subjects[0].aliases
    assert analysis.analyse("does fdroid sign package 3?", Engine(kb).index).subjects == ["f-droid"]


def test_what_the_subject_is_comes_from_the_sentence_that_says_it() -> None:
    steps = " ".join(f"Step {n} of the Mapathon is to book the venue {n}." for n in range(4))
    text = (
        "# Manage a Mapathon\n\n## Planning\n\nMapathon: plan the venue first. " + steps + "\n\n"
        "## What type of event\n\nThis guide deals with indoor events for larger groups.\n\n"
        "**A Mapathon is an organised gathering of people to add data to the OpenStreetMap,"
        " to improve the map of your local area or to help teams after a disaster.**"
        "\n\n## The week before the Mapathon\n\nCreate a register for every Mapathon.\n"
    )
    engine = _markdown_engine(text, "mapathon.md")
    reply = engine.ask("wat is a mapathon exactly")
    assert reply.kind == "answer" and "organised gathering" in reply.text, reply.text


SPHINX_FAQ = """\
Widget FAQ
==========

.. contents::

.. _install:

How do I install it?
--------------------

Run ``pip install widget``, then read :ref:`the tagging guide <tagging>` and :doc:`/guides/usage`.
Press :kbd:`Ctrl+C` to stop a run.

.. code-block:: console

   $ widget --fast

.. note::

   Widgets need Python 3.

.. toctree::
   :maxdepth: 2

   intro

Why is it slow?
---------------

Because of :class:`widget.Slow`, which checks every file twice.

.. include:: /etc/passwd

Cache
   A folder of results the widget keeps between runs.
"""


def test_a_sphinx_page_reads_its_roles_and_directives_as_text(tmp_path: Path) -> None:
    path = tmp_path / "faq.rst"
    path.write_text(SPHINX_FAQ, encoding="utf-8")
    doc = importer.read_file(path)
    assert doc.title == "Widget FAQ"
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == ["How do I install it?", "Why is it slow?"]  # no "Contents"
    text = "\n".join(b.text for b in doc.blocks)
    assert "the tagging guide and usage" in text and "Ctrl+C" in text
    assert "$ widget --fast" in text and "Widgets need Python 3." in text
    assert "widget.Slow" in text and "Cache: A folder of results" in text
    assert ":ref:" not in text and "toctree" not in text and "intro" not in text
    doc_role = importer.read_rst("Title\n=====\n\nSee :doc:`/guide/faq-meetups/`.\n", "x.rst")
    assert "See faq meetups." in [b.text for b in doc_role.blocks]  # a page by its name
    assert "root:" not in text  # include reads nothing from disk
    engine = Engine(importer.build([doc]).kb)
    assert "twice" in engine.ask("why's widget so slow").text


def test_a_guide_from_one_thing_to_another_compares_them_by_its_table() -> None:
    text = """\
From Alpha to Beta
==================

This guide helps users of Alpha move to Beta. Alpha and Beta are both editors.

Differences
-----------

+-----------+-------------------+-----------------------+
|           | Alpha             | Beta                  |
+===========+===================+=======================+
| License   | Proprietary, free | MIT license, free     |
|           | for small teams   | and fully open source |
+-----------+-------------------+-----------------------+
| Platforms | Windows, macOS    | Windows, macOS, Linux |
+-----------+-------------------+-----------------------+

The editor
----------

Alpha has one window. Beta has docks that can be moved.
"""
    kb = importer.build([importer.read_rst(text, "guide.rst")]).kb
    assert [s.name for s in kb.subjects] == ["Alpha", "Beta"]
    assert [row.aspect for row in kb.table] == ["License", "Platforms"]
    reply = Engine(kb).ask("alpha vs beta licensing?")
    assert "MIT license" in reply.text and "Proprietary" in reply.text


def test_broken_restructuredtext_is_read_as_far_as_it_goes() -> None:
    doc = importer.read_rst("Title\n=====\n\n.. code-block::\n\n:bad:`x\n\n* a\n  * b", "x.rst")
    assert doc.title == "Title"
    with pytest.raises(importer.SourceError, match="no text to import"):
        importer.build([importer.read_rst("", "empty.rst")])


def test_a_guide_titled_in_everyday_words_is_about_the_name_it_writes_in_lower_case() -> None:
    steps = "".join(
        f"## step {n}\n\nOpen the Image tab. The Image tab shows module {n}.\n\nEach module"
        f" is listed by photolab, and photolab applies module {n} after the others.\n\n"
        for n in range(1, 9)
    )
    for intro in ("how photolab works", "how photolab works when processing raw files"):
        text = f"---\ntitle: process\n---\n\nThis section shows {intro}.\n\n{steps}"
        kb = importer.build([importer.read_markdown(text, "process.md")]).kb
        assert [s.name for s in kb.subjects] == ["photolab"]


def test_the_newest_version_is_what_a_passage_calls_the_latest() -> None:
    text = (
        "# Tagger FAQ\n\n## How do I upgrade?\n\nRun pip install -U tagger. The -U flag tells"
        " pip to upgrade tagger to the latest version.\n\n## Why is it slow?\n\nTagger reads"
        " every file of the library once.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    reply = engine.ask("how do I upgrade tagger to the newest version")
    assert reply.kind == "answer" and "pip install -U" in reply.text
    assert engine.ask("what's the newest tagger news?").kind == "refusal"


def test_a_heading_that_goes_on_from_the_one_above_is_read_whole() -> None:
    text = (
        "# Tagger FAQ\n\n## How do I…\n\n### …rename my files?\n\nRun tagger move.\n\n"
        "### ...point tagger at a new folder?\n\nEdit the directory option.\n\n"
        "## Why does tagger…\n\n### …hang?\n\nIt is writing the database.\n"
    )
    doc = importer.read_markdown(text, "faq.md")
    assert [b.text for b in doc.blocks if b.kind == "heading" and b.level == 3] == [
        "How do I rename my files?",
        "How do I point tagger at a new folder?",
        "Why does tagger hang?",
    ]


def test_a_difference_between_two_long_named_things_sets_them_side_by_side() -> None:
    text = (
        "# Tagger FAQ\n\n## How do I upgrade?\n\nRun pip install -U tagger to get the latest"
        " release.\n\n## How do I run the source version?\n\nClone the repository and install"
        " it in editable mode, then every change to the source takes effect at once.\n\n"
        "## Why is it slow?\n\nTagger reads every file of the library once.\n"
    )
    engine = _markdown_engine(text, "faq.md")
    reply = engine.ask(
        "What is the difference between upgrading tagger with pip -U and running the source"
        " version?"
    )
    assert reply.kind == "compare" and "pip install -U" in reply.text and "Clone" in reply.text
    other = engine.ask("how do the pip upgrade and the repository clone differ?")
    assert other.kind == "compare" and "Clone" in other.text
    third = engine.ask("how does the pip upgrade differ from the repository clone?")
    assert third.kind == "compare" and "Clone" in third.text


def test_a_guide_for_the_users_of_another_thing_compares_the_two_row_by_row() -> None:
    text = """\
Tallyo for Ledgero users
========================

This page helps Ledgero users start with Tallyo, which keeps accounts like Ledgero.

Some key differences
====================

.. list-table::

   * - In Ledgero, amounts are stored as floating point numbers.
     - In Tallyo, amounts are stored as exact decimals.
   * - Ledgero numbers accounts from 1.
     - Tallyo numbers accounts from 0.

Glossary
========

.. list-table::

   * - posting
     - one line of a transaction
"""
    doc = importer.read_rst(text, "guide.rst")
    assert doc.title == "Tallyo for Ledgero users"  # every section one level: the first
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    # A table with no header row: each row a paragraph, a short first cell its label.
    assert "Ledgero numbers accounts from 1. Tallyo numbers accounts from 0." in paragraphs
    assert "posting: one line of a transaction" in paragraphs
    kb = importer.build([doc]).kb
    assert {s.name for s in kb.subjects} == {"Tallyo", "Ledgero"}
    reply = Engine(kb).ask("tallyo vs ledgero, how do they differ?")
    assert reply.kind == "compare" and "exact decimals" in reply.text


def test_a_passage_does_not_start_in_the_middle_of_a_sentence_after_a_code_block() -> None:
    filler = " ".join(f"The gateway keeps setting {n} in its own file." for n in range(12))
    text = (
        f"# Gateway guide\n\n## Remote access\n\n{filler}\n\nYou can also use an ssh port"
        " forward to reach it. For example,\n\n```\n$ ssh -L 9090:127.0.0.1:8384 me@host\n```\n\n"
        "will log you into host, and show its page on port 9090 of your own computer.\n"
    )
    kb = importer.build([importer.read_markdown(text, "guide.md")]).kb
    forward = next(p for p in kb.passages if "will log you into" in p.text)
    assert forward.text.startswith("You can also use an ssh port forward")


def test_an_instruction_that_starts_a_sentence_tells_how() -> None:
    text = (
        "# Loop guide\n\n## Counting\n\nA manual counter is easy to get wrong. Use enumerate"
        " to keep a count of your place in the list.\n\n## History\n\nLoops came from older"
        " languages with twenty keywords.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    reply = engine.ask("how do i get the place in a list instead of a manual counter at work?")
    assert reply.kind == "answer" and "enumerate" in reply.text


@pytest.mark.parametrize(
    ("said", "question", "kind"),
    [
        (
            "The daemon listens for connections from clients.",
            "what port does the daemon use?",
            "refusal",
        ),
        ("The daemon listens on port 873 for clients.", "what port does the daemon use?", "answer"),
        (
            "The daemon tags albums as one unit.",
            "since which version does the daemon tag albums?",
            "refusal",
        ),
        (
            "As of 1.0b11, the daemon tags albums as one unit.",
            "since which version does the daemon tag albums?",
            "answer",
        ),
    ],
)
def test_a_port_or_a_version_asked_needs_one_said(said: str, question: str, kind: str) -> None:
    text = (
        f"# Tagger FAQ\n\n## Daemon\n\n{said}\n\n## Logs\n\nThe log is kept in the home folder.\n"
    )
    assert _markdown_engine(text, "faq.md").ask(question).kind == kind


def test_a_raw_html_definition_list_in_markdown_is_a_paragraph_per_term() -> None:
    text = (
        "# Brewing guide\n\n## Definitions\n\n<dl><dt><i>Malted Grains</i></dt><dd>Germinated"
        " grains that have been dried with hot air.</dd><dt>Hops</dt><dd>Flowers that add"
        " bitterness and aroma.</dd></dl>\n\n## Cooling\n\nCool the pot in a sink of ice.\n"
    )
    doc = importer.read_markdown(text, "guide.md")
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert "Malted Grains: Germinated grains that have been dried with hot air." in paragraphs
    assert "Hops: Flowers that add bitterness and aroma." in paragraphs


ASCIIDOC_GUIDE = """\
---
title: Widget for Gadget Users
---

= Widget for Gadget Users
:toc: macro
:product: Widget
:url-home: https://widget.example.org/
// a comment the reader never sees

toc::[]

This guide helps users of Gadget move to {product}. See link:{url-home}[the home page]
and <<tables,the table below>>. Gadget and Widget both keep a cache; Gadget keeps it
in memory.

[[tables]]
== Key differences

[cols="1,1,1"]
|===
|Aspect |Gadget |Widget

|License
|Proprietary
|MIT license

|Packages
|`gpkg add`
|`wpkg install`
|===

== Installing

NOTE: {product} needs Python 3.

Run the installer:

[source,shell]
----
% wpkg install widget
----

cache:: A folder of results the widget keeps between runs.

Use man:wsh[1] to change the shell.

include::secret.txt[]

sys::[cat secret.txt]

////
A comment block.
////
"""


def test_an_asciidoc_guide_reads_its_markup_as_text_and_its_table_as_rows(
    tmp_path: Path,
) -> None:
    (tmp_path / "secret.txt").write_text("root:x:0:0 token", encoding="utf-8")
    path = tmp_path / "guide.adoc"
    path.write_text(ASCIIDOC_GUIDE, encoding="utf-8")
    doc = importer.read_file(path)
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings[-2:] == ["Key differences", "Installing"]
    text = "\n".join(b.text for b in doc.blocks)
    assert "move to Widget. See the home page and the table below." in text
    assert "Note: Widget needs Python 3." in text and "% wpkg install widget" in text
    assert "cache: A folder of results" in text and "Use wsh(1) to change" in text
    for markup in ("{product}", "link:", "<<", "toc::", "sys::", "comment", "[[", "----"):
        assert markup not in text
    assert "root:" not in text and "token" not in text  # include reads nothing from disk
    kb = importer.build([doc]).kb
    assert {s.name for s in kb.subjects} == {"Gadget", "Widget"}
    assert [row.aspect for row in kb.table] == ["License", "Packages"]
    reply = Engine(kb).ask("gadget vs widget licensing?")
    assert "MIT license" in reply.text and "Proprietary" in reply.text
    folder = importer.read_sources([str(tmp_path)])  # a folder's .adoc files are read
    assert doc.title in [d.title for d in folder]


def test_asciidoc_tables_without_a_header_row_and_two_line_titles() -> None:
    text = (
        "Widget Notes\n============\n\nSetup\n-----\n\n|===\n|Ports |Widgets listen on 8080.\n"
        "|Logs |Widgets write to /var/log/widget.\n|===\n\n* one\n** nested `*.txt` item\n"
        "* run `wpkg install _name_`\n"
        ". first step\n"
    )
    doc = importer.read_asciidoc(text, "notes.adoc")
    assert doc.title == "Widget Notes"
    assert [b.text for b in doc.blocks if b.kind == "heading"] == ["Setup"]
    paragraphs = [b.text for b in doc.blocks if b.kind != "heading"]
    assert "Ports: Widgets listen on 8080." in paragraphs
    assert "Logs: Widgets write to /var/log/widget." in paragraphs
    assert "nested *.txt item" in " ".join(paragraphs)
    assert "run wpkg install name" in " ".join(paragraphs)  # marks in code format too


def test_a_quickstart_guide_for_the_users_of_another_thing_names_both() -> None:
    text = (
        "# Widget Quickstart Guide for Gadget® Users\n\nThis guide shows Gadget users how"
        " Widget works. Widget and Gadget both keep a cache.\n\n## Shell\n\nGadget starts"
        " bash; Widget starts tcsh.\n\n## Packages\n\nGadget uses gpkg. Widget uses wpkg.\n"
    )
    kb = importer.build([importer.read_markdown(text, "guide.md")]).kb
    assert [s.name for s in kb.subjects] == ["Widget", "Gadget"]


def test_a_text_faq_s_bulleted_questions_are_its_headings() -> None:
    text = """\
widgetd frequently asked questions

**************************************************
* NOTE: most problems are due to a wrong PATH!   *
* Check PATH before reporting.                   *
**************************************************

* How is widgetd different from gadgetd?

Some of the main differences are:

- widgetd uses one process per user. Each process keeps its own socket in
  /tmp and serves every window of that user.

- Different command files.

* Why is the default port 8080? How do I
change it?

Set the "port" option in the configuration file.

* Why does widgetd use so much memory?

It keeps every window's history; lower "history-limit".

- Does it work? - a list item that asks, not a heading
"""
    doc = read_text(text, "faq.txt")
    assert doc.title == "widgetd frequently asked questions"
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == [
        "How is widgetd different from gadgetd?",
        "Why is the default port 8080? How do I change it?",
        "Why does widgetd use so much memory?",
    ]
    blocks = [(b.kind, b.text) for b in doc.blocks]
    note = "NOTE: most problems are due to a wrong PATH! Check PATH before reporting."
    assert ("paragraph", note) in blocks  # the box around it is not text
    assert (
        "item",
        "widgetd uses one process per user. Each process keeps its own socket in /tmp and"
        " serves every window of that user.",
    ) in blocks  # an item wrapped onto indented lines is one item
    engine = Engine(importer.build([doc]).kb)
    assert "history-limit" in engine.ask("widgetd uses a lot of memory, why?").text


def test_a_guide_that_names_its_community_often_compares_nothing() -> None:
    steps = "".join(
        f"## Step {n}\n\nPlan the Meetup with the Write the Docs team. Every Write the Docs"
        f" Meetup shares its slides on the Meetup page after step {n}.\n\n"
        for n in range(1, 6)
    )
    text = f"# Starting a Meetup\n\nThis guide helps you start a Meetup.\n\n{steps}"
    kb = importer.build([importer.read_markdown(text, "starting.md")]).kb
    assert [s.name for s in kb.subjects] == ["Meetup"]  # not "Meetup vs Docs"


def test_a_how_to_is_answered_where_the_passage_instructs_in_the_passive_or_at_a_prompt() -> None:
    text = (
        "# Widget OS notes\n\n## Startup\n\nServices are enabled by adding an entry for the"
        " service in /etc/rc.conf. The defaults live in /etc/defaults/rc.conf.\n\n"
        "## Packages\n\nThe package tree can be installed to /usr/tree using treesnap"
        " when the network is up.\n\n## Services\n\nA service starts without a reboot:\n\n"
        "```\n# service widgetd start\n```\n"
    )
    engine = _markdown_engine(text, "notes.md")
    for question, said in (
        ("how do i get the package tree onto my box", "treesnap"),
        ("how can I start widgetd right now without rebooting my box", "service widgetd start"),
    ):
        reply = engine.ask(question)
        assert reply.kind == "answer" and said in reply.text, question


def test_a_prose_comparison_asked_in_everyday_words_gives_every_point() -> None:
    text = (
        "# Widget for Gadget users\n\nThis guide shows the differences between Widget and"
        " Gadget so that Gadget users find their way.\n\n## Shell\n\nGadget users are surprised"
        " that Widget starts tcsh, not bash.\n\n## Packages\n\nWidget installs packages with"
        " wpkg, whereas Gadget uses gpkg.\n\n## Firewall\n\nWidget does not use the Gadget"
        " firewall; it ships its own.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    reply = engine.ask("what will feel different on Widget compared to Gadget?")
    assert reply.kind == "compare"
    assert "tcsh" in reply.text and "wpkg" in reply.text and "ships its own" in reply.text


def test_a_judgement_is_answered_only_where_it_is_said_of_what_is_asked() -> None:
    text = (
        "# Widgetlang memory\n\n## The stack\n\nWidgetlang keeps small values on the stack."
        " Pushing to the stack is faster than allocating on the heap.\n\n## The heap\n\n"
        "Widgetlang puts values of unknown size on the heap.\n"
    )
    engine = _markdown_engine(text, "memory.md")
    # "faster" is said of the stack, not of Widgetlang against other languages.
    assert engine.ask("is widgetlang faster than other languages?").kind == "refusal"
    reply = engine.ask("is pushing to the stack faster than allocating on the heap?")
    assert reply.kind == "answer" and "faster than allocating" in reply.text


def test_a_vim_help_faq_reads_its_questions_between_rules_without_tags() -> None:
    text = """\
*wfaq.txt*\t\t Widgetvim

Frequently asked Questions                                        *wfaq*

==============================================================================
General Questions                                                 *wfaq-general*


------------------------------------------------------------------------------
WHERE SHOULD I PUT MY CONFIG (WIDGETRC)?

See |config|; you can copy your existing widgetrc. |wfaq-from-vim|


------------------------------------------------------------------------------
HOW CAN I USE TRUE COLOR IN THE TERMINAL?

Add this to your |init.vim|:
>vim
    set termguicolors
<

 vim:tw=78:ts=8:et:ft=help:norl:
"""
    doc = read_text(text, "wfaq.txt")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings[-2:] == [
        "WHERE SHOULD I PUT MY CONFIG (WIDGETRC)?",
        "HOW CAN I USE TRUE COLOR IN THE TERMINAL?",
    ]
    body = " ".join(b.text for b in doc.blocks if b.kind != "heading")
    assert "See config; you can copy your existing widgetrc." in body  # not a heading
    assert "Add this to your init.vim:" in body and "set termguicolors" in body
    for markup in ("*wfaq", "|config|", ">vim", "vim:tw", "-----", "====="):
        assert markup not in body


def test_a_follow_up_that_names_another_thing_need_not_find_the_first_one_again() -> None:
    text = (
        "# Widget OS for Linux users\n\n## Listing modules\n\nOn Widget OS, kldstat replaces"
        " lsmod: it lists the loaded kernel modules.\n\n## Loading modules\n\nThe kldload"
        " command does what modprobe does on Linux.\n\n## Shells\n\nWidget OS starts tcsh"
        " for root, and the firewall replaces iptables.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    assert "kldstat" in engine.ask("what replaces lsmod on widget os", "m").text
    reply = engine.ask("and modprobe?", "m")
    assert reply.kind == "answer" and "kldload" in reply.text


def test_when_to_do_a_step_and_where_to_find_things_are_no_dates_or_places() -> None:
    text = (
        "# Brewing guide\n\n## Hops\n\nAdd the aroma hops in the last five minutes of the"
        " boil.\n\n## Plugins\n\nPlugins and themes are listed on the awesome-brew page at"
        " https://example.org/awesome.\n\n## Yeast\n\nPitch the yeast once the wort is cool.\n"
    )
    engine = _markdown_engine(text, "guide.md")
    reply = engine.ask("when do i throw in the aroma hops?")
    assert reply.kind == "answer" and "last five minutes" in reply.text
    reply = engine.ask("where can I find plugins and themes?")
    assert reply.kind == "answer" and "awesome-brew" in reply.text
    assert engine.ask("when was the brewing guide written?").kind == "refusal"


def test_a_page_laid_out_in_a_table_reads_the_headings_in_its_cell(
    caplog: pytest.LogCaptureFixture,
) -> None:
    paragraph = "Widgets draw letters on the screen with the text function, in pixels. " * 3
    html = (
        '<table width="650"><tr><td>\n<p class="license">This tutorial is a chapter of the'
        " Widget Handbook.</p>\n<h1>Typography</h1>\n"
        f"<p>{paragraph}</p>\n<h3>Draw text</h3>\n<p>The text() function draws words at a"
        " position. The textSize() function sets their size.</p>\n<h3>Pixel fonts</h3>\n"
        "<p>The VLW format stores each character as a grid of pixels.</p>\n</td></tr></table>\n"
    )
    caplog.set_level("DEBUG")
    doc = importer.read_html(html, "typography.html")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings[-2:] == ["Draw text", "Pixel fonts"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # nothing to alarm
    engine = Engine(importer.build([doc]).kb)
    assert "grid of pixels" in engine.ask("how are vlw pixel fonts stored?").text


def test_a_migration_between_versions_of_one_name_keeps_each_version_and_its_short_form() -> None:
    text = (
        "# Migrating from Windows WidgetShell 5.1 to WidgetShell 7\n\nWidgetShell 7 runs"
        " beside Windows WidgetShell 5.1. WidgetShell 7 is built on .NET 8, and Windows"
        " WidgetShell 5.1 on .NET Framework.\n\n## Event logs\n\nWidgetShell 7 writes to its"
        " own event log; Windows WidgetShell 5.1 keeps the old one.\n\n## Profiles\n\n"
        "WidgetShell 7 reads its profile from Documents/WidgetShell.\n"
    )
    kb = importer.build([importer.read_markdown(text, "migrate.md")]).kb
    names = {s.name: s for s in kb.subjects}
    assert set(names) == {"WidgetShell 7", "Windows WidgetShell 5.1"}
    assert {"ws7", "ws 7"} <= set(names["WidgetShell 7"].aliases)
    assert "ws 5.1" in names["Windows WidgetShell 5.1"].aliases
    reply = Engine(kb).ask("does ws7 write to the same event log?")
    assert reply.kind == "answer" and "own event log" in reply.text


_STORAGE_PARTS = "".join(
    f"## Mode {n} details\n\nMode {n} writes data with mode {n} rules. Snapshots and logs"
    f" are kept for mode {n}.\n\n"
    for n in ("one", "two", "three")
)


@pytest.mark.parametrize(
    ("text", "question", "said"),
    [
        # "Where does it come from?" is answered by a name in camel case ("OpenBSD").
        (
            "# Firewall notes\n\n## PF\n\nPF is a firewall ported from OpenBSD. It reads"
            " pf.conf.\n\n## IPFW\n\nIPFW is the older firewall. It reads rules from rc.conf.\n",
            "Where does the PF firewall come from originally?",
            "OpenBSD",
        ),
        # An opinion is answered by a passage ranked lower that asks it itself.
        (
            f"# Storage notes\n\n{_STORAGE_PARTS}## Snapshots\n\nSnapshots keep the data in"
            " one file; logs keep every write, so logs use more disk than snapshots.\n\n"
            "## Ok, so what should I use?\n\nUse both snapshots and logs if you want strong"
            " safety.\n",
            "honestly which one should i use, snapshots or logs",
            "Use both",
        ),
    ],
)
def test_an_imported_guide_answers_where_it_says_so(text: str, question: str, said: str) -> None:
    reply = _markdown_engine(text, "guide.md").ask(question)
    assert reply.kind == "answer" and said in reply.text
