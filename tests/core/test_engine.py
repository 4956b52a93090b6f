"""The answer engine as plain functions: kinds, refusals, follow-ups, bad input."""

from __future__ import annotations

import pytest

from bot.conversation import ConversationStore, Turn
from bot.engine import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS, Engine


def test_answer_is_grounded_concise_and_sourced(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("What is machine learning?")
    assert reply.kind == "answer"
    assert len(reply.text) <= MAX_ANSWER_CHARS
    assert reply.text in shipped_engine.passage("ml-definition").text
    source = reply.sources[0]
    assert (source.passage_id, source.section) == ("ml-definition", "What is Machine Learning?")
    assert source.score > 0


def test_question_spanning_both_sides_draws_on_both(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("How do machine learning and generative AI each work?")
    ids = [s.passage_id for s in reply.sources]
    assert ids[:2] in (["ml-how", "genai-how"], ["genai-how", "ml-how"])
    assert len(reply.text) <= MAX_ANSWER_CHARS
    assert "Machine Learning:" in reply.text and "Generative AI:" in reply.text


def test_one_example_is_picked_out_of_a_list(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("How do banks catch credit card fraud?")
    assert "Fraud Detection" in reply.text
    assert "Netflix" not in reply.text
    everything = shipped_engine.ask("What are some examples of machine learning?")
    assert all(x in everything.text for x in ("Netflix", "Fraud", "Forecasting"))


def test_one_aspect_gets_its_row(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("How is generative AI evaluated?")
    assert reply.kind == "answer"
    assert [r.id for r in reply.rows] == ["how-it-evaluates"]
    assert reply.text.startswith("How it Evaluates — Generative AI: Evaluates the quality")


@pytest.mark.parametrize(
    "question",
    [
        "compare ML and GenAI",
        "Show me the comparison table",
        "machine learning vs generative ai",
        "side by side please",
    ],
)
def test_compare_gives_all_rows(shipped_engine: Engine, question: str) -> None:
    reply = shipped_engine.ask(question)
    assert reply.kind == "compare"
    assert [r.aspect for r in reply.rows] == [r.aspect for r in shipped_engine.kb.table]
    for row in shipped_engine.kb.table:
        assert all(c.text in reply.text for c in row.cells)
    assert len(reply.text) <= 2000


def test_compare_one_aspect(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("compare the output of ML and GenAI")
    assert reply.kind == "compare" and [r.id for r in reply.rows] == ["output-type"]
    assert shipped_engine.compare("user-interaction").rows[0].aspect == "User Interaction"
    assert shipped_engine.compare("evaluation").rows[0].id == "how-it-evaluates"
    assert shipped_engine.compare("pizza").kind == "refusal"
    assert len(shipped_engine.compare().rows) == 4


@pytest.mark.parametrize(
    "question",
    [
        "What's the weather tomorrow?",  # shares "weather" with predictive analytics
        "Recommend me a movie",  # shares "recommend" with recommendation engines
        "What's the forecast for Saturday in Rome?",
        "Should I buy Tesla stock this year?",
        "How do I learn to knit?",
        "What is the price of a flat in Berlin?",
        "Who won the chess championship?",
        "What's a good recipe for soup?",
        "asdfghjkl qwerty",
        "How does the stock market work?",  # shares "stock market" with predictive analytics
        "What's the best credit card?",  # shares "credit card" with fraud detection
        "What's the tallest building in the world?",
        "Suggest a good Netflix show",  # names Netflix, but asks for a show
        "Generate a picture of a cat",  # asks the bot to generate, not about generation
        "How do I train my dog?",
    ],
)
def test_refusals_including_near_misses(shipped_engine: Engine, question: str) -> None:
    reply = shipped_engine.ask(question)
    assert reply.kind == "refusal", reply.text
    assert reply.suggestions and not reply.sources
    assert len(reply.text) <= MAX_ANSWER_CHARS


@pytest.mark.parametrize(
    "question",
    [
        "Will AI replace doctors someday?",
        "Is AI conscious or sentient?",
        "How much electricity does ChatGPT consume?",
        "Is generative AI going to take my job?",
        "Will generative AI replace graphic designers within the next five years?",
    ],
)
def test_subject_named_but_not_in_the_article(shipped_engine: Engine, question: str) -> None:
    """Naming the subject is not enough: the article must say something about the rest."""
    reply = shipped_engine.ask(question)
    assert reply.kind == "refusal"
    assert reply.text.startswith("The article doesn't"), reply.text


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("hey", "smalltalk"),
        ("Hello there!", "smalltalk"),
        ("thank you", "smalltalk"),
        ("who are you?", "smalltalk"),
        ("bye", "smalltalk"),
        ("help", "help"),
        ("what can you do?", "help"),
        ("what commands do you have?", "help"),
        ("what are your commands?", "help"),
        ("ok thanks", "smalltalk"),
        ("much appreciated", "smalltalk"),
        ("what's your name?", "smalltalk"),
        ("help!! my boss wants to know what machine learning is", "answer"),  # not help
        # Two sentences, each asking how to use the bot: help, however long.
        (
            "how do I use this thing, do I just type a question? what kind of stuff can you answer",
            "help",
        ),
    ],
)
def test_help_and_smalltalk(shipped_engine: Engine, question: str, kind: str) -> None:
    reply = shipped_engine.ask(question)
    assert reply.kind == kind
    assert len(reply.text) <= 1500


def test_greeting_with_a_question_answers_the_question(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("hi, what is generative AI?")
    assert reply.kind == "answer" and reply.sources[0].passage_id == "genai-definition"


def test_topics_and_help_name_the_source(shipped_engine: Engine) -> None:
    topics = shipped_engine.topics()
    assert shipped_engine.kb.source.title in topics.text
    assert shipped_engine.kb.source.version in topics.text
    assert "/compare" in shipped_engine.help().text


def test_examples_by_topic(shipped_engine: Engine) -> None:
    assert [s.passage_id for s in shipped_engine.examples("ml").sources] == ["ml-examples"]
    assert [s.passage_id for s in shipped_engine.examples("genai").sources] == ["genai-examples"]
    assert len(shipped_engine.examples(None).sources) == 2
    assert "Midjourney" in shipped_engine.ask("/examples genai").text


# -------------------------------------------------------------- follow-ups


def test_elliptical_follow_up_takes_the_subject_of_the_last_turn(engine: Engine) -> None:
    engine.ask("What is generative AI?", "c1")
    reply = engine.ask("examples?", "c1")
    assert reply.sources[0].passage_id == "genai-examples"


def test_and_ml_asks_the_same_about_the_other_side(engine: Engine) -> None:
    engine.ask("How does generative AI work?", "c1")
    assert engine.ask("And ML?", "c1").sources[0].passage_id == "ml-how"
    engine.ask("How is ML evaluated?", "c2")
    reply = engine.ask("what about GenAI?", "c2")
    assert reply.text.startswith("How it Evaluates — Generative AI")


def test_pronoun_follow_up(engine: Engine) -> None:
    engine.ask("What is machine learning?", "c1")
    reply = engine.ask("how is it evaluated?", "c1")
    assert "accuracy" in reply.text


def test_compare_them(engine: Engine) -> None:
    engine.ask("What is ML?", "c1")
    engine.ask("What is GenAI?", "c1")
    assert engine.ask("compare them", "c1").kind == "compare"


def test_tell_me_more_moves_on(engine: Engine) -> None:
    first = engine.ask("What is machine learning?", "c1")
    more = engine.ask("tell me more", "c1")
    assert more.kind == "answer"
    assert more.sources[0].passage_id != first.sources[0].passage_id


def test_conversations_are_kept_apart(engine: Engine) -> None:
    engine.ask("What is generative AI?", "alice")
    engine.ask("What is machine learning?", "bob")
    assert engine.ask("examples?", "alice").sources[0].passage_id == "genai-examples"
    assert engine.ask("examples?", "bob").sources[0].passage_id == "ml-examples"


def test_off_topic_follow_up_is_still_refused(engine: Engine) -> None:
    engine.ask("What is generative AI?", "c1")
    assert engine.ask("What's the weather tomorrow?", "c1").kind == "refusal"


def test_no_conversation_means_no_memory(engine: Engine) -> None:
    engine.ask("What is generative AI?")
    # With no conversation, "examples?" cannot lean on the last question: both subjects'.
    reply = engine.ask("examples?")
    assert [s.passage_id for s in reply.sources] == ["ml-examples", "genai-examples"]
    assert len(engine.conversations) == 0


def test_conversation_store_bounds() -> None:
    now = [0.0]
    store = ConversationStore(max_turns=2, max_age=60, max_conversations=2, clock=lambda: now[0])
    for i in range(3):
        store.add("a", Turn(f"q{i}", "answer"))
    assert [t.question for t in store.turns("a")] == ["q1", "q2"]
    store.add("b", Turn("x", "answer"))
    store.add("c", Turn("y", "answer"))
    assert store.turns("a") == () and len(store) == 2  # least recently used dropped
    now[0] = 61
    assert store.turns("b") == ()  # expired
    with pytest.raises(ValueError, match="positive"):
        ConversationStore(max_turns=0)


# -------------------------------------------------------------- bad input


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u200b\u200b", "\x00\x07"])
def test_empty_input(shipped_engine: Engine, question: str) -> None:
    reply = shipped_engine.ask(question)
    assert reply.kind == "help" and "Ask me a question" in reply.text


def test_overlong_input(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("what is machine learning " * 200)
    assert reply.kind == "refusal"
    assert f"{MAX_QUESTION_CHARS:,}" in reply.text
    assert shipped_engine.ask("x" * MAX_QUESTION_CHARS).kind == "refusal"  # at the limit: judged


@pytest.mark.parametrize(
    "question",
    [
        "WHAT    IS   GENAI???",
        "what is generativ ai",
        "Ｗｈａｔ ｉｓ ＭＬ？",
        "what is ML 🤖🤖",
        "¿what is machine learning?",
        "Whát ís machíne léarning?",
        "@everyone what is machine learning?",
        "<@&123456> <@!42> what is generative AI?",
        "what is ml\u202e\u200d",
    ],
)
def test_odd_but_answerable_input(shipped_engine: Engine, question: str) -> None:
    reply = shipped_engine.ask(question)
    assert reply.kind == "answer", (question, reply.text)


@pytest.mark.parametrize(
    "question", ["🤖🤖🤖", "‮‮", "ℵ₀ ∑ ∫", "中文问题是什么", "@everyone", "/unknown"]
)
def test_odd_unanswerable_input_never_raises(shipped_engine: Engine, question: str) -> None:
    reply = shipped_engine.ask(question)
    assert reply.kind in {"refusal", "help", "smalltalk"}
    assert reply.text


# -------------------------------------------------------------- autocomplete


def test_suggest_ranks_prefix_then_words(shipped_engine: Engine) -> None:
    assert shipped_engine.suggest("what is gen")[0] == "What is generative AI?"
    assert shipped_engine.suggest("fraud")[0] == "How do banks detect fraud?"
    assert shipped_engine.suggest("genrative ai exmples")[0] == (
        "What are some examples of generative AI?"
    )


def test_suggest_limits_and_empty_input(shipped_engine: Engine) -> None:
    every = shipped_engine.suggest("", 100)
    assert len(every) == 25  # Discord's most
    assert every[0] == shipped_engine.kb.suggested_questions[0]
    assert all(len(q) <= 100 for q in every)
    assert shipped_engine.suggest("zzzz qqqq") == []
    assert len(shipped_engine.suggest("machine", 3)) == 3


def test_what_a_named_group_uses_a_subject_for_asks_its_purpose(shipped_engine: Engine) -> None:
    # "which banks use ML?" asks for names; "what banks use ML for" asks what for.
    reply = shipped_engine.ask("What does the article say banks use machine learning for?")
    assert reply.kind == "answer" and "spending patterns" in reply.text
    assert shipped_engine.ask("Which banks use machine learning?").kind == "refusal"


def test_the_difference_between_them_after_naming_both_is_the_comparison_passage(
    shipped_engine: Engine,
) -> None:
    shipped_engine.ask("i keep hearing about ML and gen ai at work", "diff-them")
    reply = shipped_engine.ask("whats the actual difference between them", "diff-them")
    assert reply.kind == "compare" and "analyze data" in reply.text


def test_a_word_the_rows_share_names_none_unless_others_name_their_own(
    shipped_engine: Engine,
) -> None:
    same = shipped_engine.ask(
        "At my office people use 'machine learning' and 'generative AI' as if they mean the"
        " same. Are they the same thing?"
    )
    assert same.kind == "answer" and "not the same thing" in same.text
    rows = shipped_engine.ask(
        "Could you lay out how ML and GenAI differ in goal, output, evaluation and how people"
        " use them?"
    )
    assert rows.kind == "compare" and "backend" in rows.text


def test_what_a_subject_is_for_asks_its_purpose(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("WHAT IS MACHINE LEARNING ACTUALLY FOR")
    assert "analyze data and predict" in reply.text


def test_an_either_or_about_amounts_is_answered_by_what_the_passage_says(
    shipped_engine: Engine,
) -> None:
    shipped_engine.ask("quick q about machine learning", "either")
    reply = shipped_engine.ask("does it need lots of data or just a few examples?", "either")
    assert reply.kind == "answer"
    assert shipped_engine.ask("how much data does machine learning need?").kind == "refusal"


def test_a_heading_that_holds_two_terms_of_the_question_answers_its_story(
    shipped_engine: Engine,
) -> None:
    # "pick either ML or GenAI ...": the heading "Machine Learning and Generative AI
    # work together" holds both subjects the question names; the CTO and the project
    # are its story.
    reply = shipped_engine.ask(
        "My CTO says we must pick either ML or GenAI for the next project. Is that really"
        " an either/or choice?"
    )
    assert reply.kind == "answer" and "work together" in reply.text


@pytest.mark.parametrize(
    ("first", "then", "kind", "said"),
    [
        # A phrase that ranks what it names asks which one it is, not for a definition.
        (
            "so ML is inside AI?",
            "what's the overall top-level category then",
            "answer",
            "Artificial Intelligence",
        ),
        # "the shop example" is the e-commerce one.
        (
            "how do ML and genAI work together",
            "and the genai part in that shop example?",
            "answer",
            "product descriptions",
        ),
        # "they" after a turn about the other subject are the two.
        (
            "I keep hearing about machine learning at work.",
            "and generative AI too. how do they differ",
            "compare",
            "Machine Learning",
        ),
    ],
)
def test_a_follow_up_is_read_with_the_turn_before(
    shipped_engine: Engine, first: str, then: str, kind: str, said: str
) -> None:
    shipped_engine.ask(first, f"follow-{first}")
    reply = shipped_engine.ask(then, f"follow-{first}")
    assert reply.kind == kind and said in reply.text


def test_the_difference_asked_beside_another_request_compares(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("machine learning and gen ai, what is the difference? explain me")
    assert reply.kind == "compare"  # two requests in one message, the difference one of them
