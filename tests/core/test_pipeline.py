"""Each stage of the answer pipeline on its own, as plain functions."""

from __future__ import annotations

import random
import re

import pytest

from bot import acts, analysis, answerability, compose, importer, language, rank, resolve
from bot.conversation import Turn
from bot.engine import Engine
from bot.knowledge import KnowledgeError
from bot.language import english, parse, parse_frequencies
from bot.text import words


def _query(engine: Engine, text: str) -> analysis.Query:
    return analysis.analyse(analysis.clean(text), engine.index)


# ---------------------------------------------------------------- acts


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("gm", "greeting"),
        ("👋", "greeting"),
        ("hello?? anyone here", "greeting"),
        ("yo bro", "greeting"),
        ("ty!!", "thanks"),
        ("🙏", "thanks"),
        ("lol ok bye", "bye"),
        ("so what can you actually do", "help"),
        ("What exactly can you help me with?", "help"),
        ("Good morning. Could you explain how I should use this assistant?", "help"),
        ("what sort of questions can it answer?", "help"),
        ("and what sort of stuff does generative AI spit out?", "question"),
        ("who made you?", "identity"),
        ("/compare goal", "command"),
        ("what is ml", "question"),
        ("ty that actually helped a lot 🙏", "thanks"),
        ("hola, ¿qué tal?", "greeting"),
        ("Hallo! Kannst du mir helfen?", "greeting"),
        ("ciao! come stai?", "greeting"),
        ("hey, overfitting?", "question"),
        ("is this thing on?", "help"),
        ("ty, what about gas?", "question"),
        ("thanks! and GenAI?", "question"),
        ("how am I supposed to use this bot?", "help"),
        ("Good evening. Could you please describe what you are able to help with?", "help"),
        ("heyy", "greeting"),
        ("konnichiwa", "greeting"),
        ("hellooo", "greeting"),
        ("thanksss!!", "thanks"),
        ("danke!", "thanks"),
        ("merci beaucoup", "thanks"),
        ("what are you exactly", "help"),
        ("heyyy what is ml", "question"),
        ("ok cool, thats all for now, bye!", "bye"),
        ("cool, thats all, cya", "bye"),
        ("what does see you later mean in the article?", "question"),
        ("good morning! who am I talking to?", "identity"),
        ("is this thing a chatbot? how does it work", "identity"),
        ("how am I supposed to use you, what kind of questions can i ask", "help"),
        ("what command can i use to get the sha1 hash of something in the terminal", "question"),
        ("and then what can it do with a new house it hasnt seen?", "question"),
        ("what can it do?", "help"),
        ("how should I phrase my questions so you understand them", "help"),
        ("Good afternoon. Could you explain how I am supposed to use this assistant?", "help"),
        ("how am i supposed to rerun the last command", "question"),
        ("Which options make rsync use even more memory?", "question"),
        ("which options are there", "help"),
        ("pls list me every differences of a vs b, features and commands", "question"),
        ("show me all commands", "help"),
        ("Bonjour! Can you help me with something?", "help"),
        ("do you only know about version control stuff or what", "help"),
        ("good morning! can you answer node questions?", "help"),
        ("Hi, I'm new here. How does this thing work, do I just type a question?", "help"),
        ("how does the event loop work", "question"),
        ("what's the online store example near the end?", "question"),
        ("is the bot online?", "help"),
    ],
)
def test_dialogue_acts(text: str, kind: str) -> None:
    assert acts.classify(text, english()).kind == kind


def test_greeting_in_front_of_a_question_is_dropped() -> None:
    act = acts.classify("hey there, what is generative AI?", english())
    assert act.kind == "question" and act.text == "what is generative ai"


# ---------------------------------------------------------------- analysis


def test_a_long_preamble_is_context_not_question() -> None:
    text = (
        "So my boss keeps talking about AI in every meeting and I work in marketing. "
        "I nodded along but honestly I was lost. What does machine learning actually do?"
    )
    focus, rest = analysis.focus_of(text, english().question_starts)
    assert focus == "What does machine learning actually do?"
    assert rest.startswith("So my boss")


def test_chat_spellings_audience_and_unknown_words(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "wats genai, explain it to my grandma pls")
    assert q.subjects == ["genai"] and q.unknown == []
    q = _query(shipped_engine, "does chatgpt hallucinate")
    assert q.unknown == ["hallucinate"] and "chatgpt" in q.content


def test_base_forms_are_words_of_the_source() -> None:
    vocabulary = frozenset({"electrical", "easy", "simple", "big", "farm", "safety"})

    def base(word: str) -> str | None:
        return analysis._base_form(word, vocabulary.__contains__, frozenset(), vocabulary, {})

    assert base("electrically") == "electrical"  # an adverb of the source's adjective
    assert base("easily") == "easy" and base("simply") == "simple"
    assert base("bigger") == "big" and base("safer") == "safety"
    assert base("friendly") is None  # "friend" is no word of the source


def test_two_words_the_source_writes_as_one_are_its_word() -> None:
    vocabulary = {"debuginfo", "lockfile", "machinelearning", "debug"}
    joined = analysis._joined_compounds(
        words("what about the debug info part of the lock file in machine learning"),
        vocabulary,
        {"machinelearning"},
    )
    assert joined == words("what about the debuginfo part of the lockfile in machine learning")


def test_work_per_question_is_bounded(shipped_engine: Engine) -> None:
    junk = [f"qzx{chr(97 + i % 26)}{chr(97 + i // 26)}vw" for i in range(200)]
    q = _query(shipped_engine, " ".join(junk))
    # Only the last MAX_FOCUS_WORDS words are looked at, and few of them corrected.
    assert q.unknown == junk[-analysis.MAX_FOCUS_WORDS :]


# ---------------------------------------------------------------- resolve


def test_plans(shipped_engine: Engine) -> None:
    index = shipped_engine.index

    def plan(text: str, *history: Turn) -> resolve.Plan:
        return resolve.plan(_query(shipped_engine, text), history, index)

    assert plan("what are the key differences between ml and genai").action == "compare"
    assert plan("what's the difference between ML and GenAI?").action == "ask"
    assert plan("ml vs genai").action == "compare"
    assert plan("compare ml with genai").action == "compare"
    assert plan("show me the table").action == "compare"
    # A comparison word as a preposition, or in an idiom, asks for one passage.
    assert plan("where does genai fit compared to ml and ai in general?").action == "ask"
    assert plan("what does each one bring to the table when they're combined").action == "ask"
    # A short tail after the question qualifies it; naming a thing asks which side it is.
    assert plan("whats the diffrence between ml and genai... like ALL of them").action == "compare"
    assert plan("is netflix ML or genAI?").action == "classify"
    assert (
        plan("which one provides the analytical brainpower and which the creative execution").action
        == "ask"
    )
    assert plan("how do their outputs and evaluation differ?").rows == [
        "output-type",
        "how-it-evaluates",
    ]
    last = Turn("what is ml", "answer", ("ml",), ("ml-definition",), "definition")
    other = plan("what about the other one?", last)
    assert other.action == "repeat" and other.subjects == ["genai"]
    assert plan("and genai?", last).action == "repeat"
    assert plan("why?", last).action == "why"
    assert plan("tell me more", last).action == "more"
    assert plan("examples?", last).action == "examples"
    assert plan("examples?", last).subjects == ["ml"]
    chatgpt = Turn("what is chatgpt", "answer", ("genai",), ("genai-examples",), entity="chatgpt")
    which = plan("is it ML or GenAI?", chatgpt)
    assert which.action == "classify" and which.entity == "chatgpt"


# ---------------------------------------------------------------- rank and answerability


def _verdict(engine: Engine, text: str) -> answerability.Verdict:
    q = _query(engine, text)
    p = resolve.plan(q, (), engine.index)
    return answerability.judge(q, p, rank.rank(q, p, engine.index), engine.index)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Who invented machine learning?", "question_type"),
        ("Who originally created machine learning?", "question_type"),
        ("Who is the main author of generative AI?", "question_type"),
        ("Which image generator is the cheapest?", "question_type"),
        ("What license is generative AI released under?", "question_type"),
        ("When did generative AI take off?", "question_type"),
        ("When is generative AI a good idea instead of machine learning?", "ok"),
        ("How much does ChatGPT cost?", "question_type"),
        ("How many parameters does an LLM have?", "question_type"),
        ("Which British banks use machine learning to catch card fraud?", "question_type"),
        ("Does ChatGPT hallucinate?", "not_mentioned"),
        ("What is synthetic data?", "not_explained"),
        ("Should I learn python before machine learning?", "no_opinion"),
        ("Is ChatGPT better than Claude?", "no_opinion"),
        ("Is Midjourney faster than DALL-E?", "no_opinion"),
        ("best way to make generative AI content?", "ok"),  # asks how, not which is best
        ("Which is best, ML or GenAI?", "no_opinion"),
        ("What's the weather tomorrow?", "live"),
        ("Tell me about the Roman Empire", "not_mentioned"),
        ("How does machine learning work?", "ok"),
        ("How do generative AI systems work?", "ok"),
        ("How do generative AI neural networks work?", "not_explained"),
        ("why does ml use so much data", "ok"),
        ("Is generative AI a subset of machine learning?", "ok"),
    ],
)
def test_answerability(shipped_engine: Engine, text: str, reason: str) -> None:
    assert _verdict(shipped_engine, text).reason == reason


def _question_type(name: str) -> language.QuestionType:
    return next(t for t in english().question_types if t.name == name)


def test_question_types_read_what_is_asked_and_said() -> None:
    when, how_many = _question_type("when"), _question_type("how-many")
    assert when.evidence.search("It was released in May.")
    assert not when.evidence.search("the project may actually prove popular")  # a verb
    assert how_many.pattern.search("how much disk space does a typical install take")
    how_much = _question_type("how-much")
    assert how_much.pattern.search("how much is midjourney per month")
    assert how_much.pattern.search("how much do machine learning engineers make")
    assert not how_much.pattern.search("how much do models make up")


def test_refusal_names_what_is_missing(shipped_engine: Engine) -> None:
    assert shipped_engine.ask("Who invented machine learning?").text.startswith(
        "The article doesn't say who invented machine learning."
    )
    assert "“hallucinate”" in shipped_engine.ask("does chatgpt hallucinate?").text
    quoted = answerability.clause("When did AI take off?", english().auxiliaries)
    assert quoted == "“When did AI take off?”"


def test_coverage_weighs_unknown_words_by_rarity(shipped_engine: Engine) -> None:
    index = shipped_engine.index
    terms = {"chatgpt"}
    matched = frozenset(terms)
    rare = rank.coverage(terms, matched, index, ["hallucinate"])
    everyday = rank.coverage(terms, matched, index, ["day"])
    assert rare < answerability.MIN_COVERAGE < everyday


# ---------------------------------------------------------------- compose


def test_fit_keeps_whole_sentences() -> None:
    text = compose.fit(["One. Two. " + "Three is long. " * 80, "Four."], budget=120)
    assert len(text) <= 120 and text.startswith("One. Two.") and text.endswith("Four.")
    items = compose.fit(["List:\n• One.\n• Two.\n• " + "Three is long. " * 80, "Four."], 120)
    assert items.startswith("List:\n• One.\n• Two.\n")  # a list's items stay a line each


def test_wording_comes_from_the_knowledge_base(shipped_engine: Engine) -> None:
    say = compose.Wording(shipped_engine.index)
    assert "Machine Learning vs Generative AI" in say("thanks")
    assert say("not_mentioned", missing="“x”") == "The article doesn't mention “x”."


# ---------------------------------------------------------------- language data


def test_language_file_errors_name_the_key() -> None:
    with pytest.raises(KnowledgeError, match=r"english\.yaml: missing key"):
        parse({})
    data = {"stopwords": "a", "help_patterns": ["("]}
    with pytest.raises(KnowledgeError, match=r"english\.yaml"):
        parse(data)


def test_frequencies_and_salience() -> None:
    freq = parse_frequencies("# comment\n60 day\n30 lasagna\n")
    assert freq == {"day": 6.0, "lasagna": 3.0}
    lang = english()
    assert lang.salience("hallucinate") == 1.0
    assert lang.salience("day") < 0.05 < lang.salience("copyright") < 1.0


def test_a_follow_up_about_the_passage_just_shown_stays_on_it(engine: Engine) -> None:
    engine.ask("tell me about the e-commerce example", "shop")
    reply = engine.ask("what does gen ai do in it?", "shop")
    assert reply.sources[0].passage_id == "ecommerce-example"
    assert "marketing emails" in reply.text
    # "it" naming the subject just asked about still moves on to what is asked.
    engine.ask("what is machine learning?", "ml")
    assert engine.ask("how does it work?", "ml").sources[0].passage_id == "ml-how"


def _odd_texts(seed: int, pieces: list[str], count: int = 3000, longest: int = 60) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(pieces, k=rng.randint(0, longest))) for _ in range(count)]


def test_last_words_are_the_last_words_of_the_whole_text() -> None:
    pieces = ["ab", "c", "'s", "what's", "it’s", ".", "?", "\n", "\t", " ", " ", "-", "A", "é", "1"]
    for text in _odd_texts(1, pieces) + _odd_texts(7, pieces, count=300, longest=900):
        for n in (1, 2, 5, 8, 80):
            assert analysis.last_words(text, n) == words(text)[-n:], (text, n)


def test_quick_paths_of_focus_find_what_the_regexes_find() -> None:
    """One sentence is what the sentence split finds; the anchored illustration regex
    matches where the look-behind one did."""
    illustration = re.compile(r"(?<=\w\ws) (?:like|such as|including|e\.g\.)\s+(?P<tail>[^?.!]+)")
    pieces = ["ab", "s like", "s such as x", "e.g.", " ", "\n", ".", "!", "?", "? ", "s including"]
    for text in _odd_texts(2, pieces):
        if analysis._one_sentence(text):
            assert len([s for s in analysis._SENTENCE.split(text) if s.strip()]) < 2, text
        old, new = illustration.search(text), analysis._ILLUSTRATION.search(text)
        assert (old and (old.start(), old.group("tail"))) == (
            new and (new.start(), new.group("tail"))
        ), text


def _unstretched_reference(word: str, known: frozenset[str]) -> str:
    """``acts._unstretched`` without its quick test (what it must agree with)."""
    run = acts._RUN
    if word in known or not run.search(word):
        return word
    for candidate in (
        run.sub(r"\1\1", word),
        run.sub(r"\1", word),
        re.sub(r"([a-z])\1+$", r"\1", run.sub(r"\1\1", word)),
    ):
        if candidate in known:
            return candidate
    return word


def test_unstretched_words_are_what_the_full_search_finds() -> None:
    known = english().act_words
    rng = random.Random(4)
    words_ = [w + w[-1] * rng.randint(0, 3) for w in sorted(known)]
    words_ += ["".join(rng.choices("aehlosty", k=rng.randint(2, 8))) for _ in range(3000)]
    for word in words_:
        assert acts._unstretched(word, known) == _unstretched_reference(word, known), word


def test_a_story_the_whole_message_is_read_for_is_no_topic_of_its_own(engine: Engine) -> None:
    # The question part asks nothing alone, so the whole message is read: "my boss"
    # is the story, not advice asked about a job, and "boss" no topic the article lacks.
    reply = engine.ask(
        "my boss keeps saying ML and genAI like they're the same word. "
        "are they actually the same thing or nah"
    )
    assert reply.kind == "answer" and "not the same thing" in reply.text
    assert engine.ask("can someone walk me thru the house price thing").kind == "answer"


def test_predictions_and_exhaustive_phrases_in_other_words(engine: Engine) -> None:
    assert engine.ask("will genai take over software dev jobs in like 5 years").kind == "refusal"
    board = engine.ask("traditional ML vs gen ai, whats different across the board")
    assert board.kind == "compare" and len(board.rows) > 3
    assert engine.ask("break down how generative AI differs from machine learning").kind == (
        "compare"
    )


def test_which_bit_of_that_is_a_subject_s_part_stays_on_the_passage_shown(engine: Engine) -> None:
    engine.ask("explain the e-commerce example", "bit")
    reply = engine.ask("which bit of that is the genai part?", "bit")
    assert reply.kind == "answer" and "marketing emails" in reply.text
    engine.ask("explain the e-commerce example", "play")
    played = engine.ask("what part does gen AI play in it?", "play")  # "play": its wording
    assert played.kind == "answer" and "marketing emails" in played.text
    fresh = engine.ask("which part of AI is generative AI?", "fresh")  # no passage shown
    assert fresh.kind == "answer" and "branch" in fresh.text


def test_a_held_letter_or_a_prefix_the_source_lacks_is_read_as_the_known_word() -> None:
    known = {"so", "downloading", "installed", "supported", "good"}.__contains__
    assert analysis._plain_form("sooo", known) == "so"
    assert analysis._plain_form("goooood", known) == "good"
    assert analysis._plain_form("redownloading", known) == "downloading"
    assert analysis._plain_form("preinstalled", known) == "installed"
    assert analysis._plain_form("unsupported", known) == "supported"
    assert analysis._plain_form("reed", known) is None  # no word is left of "reed"
    assert analysis._plain_form("zzzz", known) is None


def test_an_item_of_the_list_just_shown_is_found_by_its_place(engine: Engine) -> None:
    engine.ask("what are the ML examples?", "list")
    second = engine.ask("tell me more about the second one", "list")
    assert second.kind == "answer" and second.text.startswith("Fraud Detection")
    assert engine.ask("and the last one?", "list").text.startswith("Predictive Analytics")
    assert engine.ask("the first?", "list").text.startswith("Recommendation Engines")
    # ... or by a word of it
    engine.ask("list a few ML use cases", "named")
    assert engine.ask("how does the bank one work", "named").text.startswith("Fraud Detection")
    # "first" that points at no item: a question of its own.
    engine.ask("what are the ML examples?", "other")
    assert not engine.ask("which came first, ML or GenAI?", "other").text.startswith(
        "Recommendation"
    )


def test_a_remark_after_the_last_question_mark_is_no_question_of_its_own() -> None:
    starts = english().question_starts
    assert analysis.question_parts("the ai is cheating right?? it keeps beating me", starts) == [
        "the ai is cheating right?? it keeps beating me"
    ]
    assert analysis.question_parts("is ml old? what is genai about", starts) == [
        "is ml old",
        "what is genai about",
    ]
    assert analysis.question_parts("is ml old? and is genai new?", starts) == [
        "is ml old",
        "and is genai new",
    ]


def test_the_people_of_a_story_are_no_topic(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "what even is genai, my friend keeps talking about it")
    assert q.subjects == ["genai"] and q.content == [] and q.unknown == []
    reply = shipped_engine.ask("what even is genai, my friend keeps talking about it")
    assert reply.sources[0].passage_id == shipped_engine.ask("what is genai").sources[0].passage_id


def test_what_that_points_at_is_the_last_sentence_that_says_something(
    shipped_engine: Engine,
) -> None:
    story = "My nephew keeps showing me his homework essays"
    q = _query(shipped_engine, f"{story}. how can teachers spot that?")
    assert "homework" in q.pointed_back
    q = _query(shipped_engine, f"{story}. so weird. how can teachers spot that?")
    assert "homework" in q.pointed_back and "weird" not in q.pointed_back


def test_more_wordings_of_differences_and_mimicry(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask("in what ways do generative models and classical ML diverge?")
    assert reply.kind == "compare"
    q = _query(shipped_engine, "what is genai trying to imitate")
    assert q.unknown == [] and "mimic" in q.content


def test_it_in_a_question_after_a_story_is_the_subject_the_story_names(
    shipped_engine: Engine,
) -> None:
    story = "I'm new here and my nephew won't stop talking about machine learning at dinner."
    reply = shipped_engine.ask(f"{story} Could you explain in simple words what it actually is?")
    assert reply.kind == "answer" and reply.sources[0].passage_id == "ml-definition"


def test_a_subject_asked_of_in_a_story_s_terms_gets_the_passage_of_the_story(
    shipped_engine: Engine,
) -> None:
    story = "I sell homes and my nephew says a computer can guess what a house is worth."
    reply = shipped_engine.ask(f"{story} How would machine learning do that?")
    assert reply.sources[0].passage_id == "ml-how"  # the housing example, not the definition
    assert shipped_engine.ask("what is machine learning?").sources[0].passage_id == (
        "ml-definition"
    )


def test_the_word_article_finds_no_passage_when_the_question_asks_more(
    shipped_engine: Engine,
) -> None:
    reply = shipped_engine.ask("what ML uses does the article list?")
    assert reply.sources[0].passage_id == "ml-examples"  # not the intro's "this article"


def test_a_follow_up_asking_what_the_passage_shown_lacks_moves_on(engine: Engine) -> None:
    engine.ask("which models power generative AI?", "trained")
    reply = engine.ask("what are they trained on?", "trained")
    assert reply.sources[0].passage_id == "genai-how" and "massive datasets" in reply.text


def test_framing_phrases_are_no_topic(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "what differs between ml and genai when it comes to output?")
    assert q.content == ["output"] and q.unknown == []


def test_asides_before_a_question_are_no_topic(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "let me guess, what does machine learning predict?")
    assert "guess" not in q.unknown and "guess" not in q.content
    q = _query(shipped_engine, "sorry, one more question: what is generative ai?")
    assert q.unknown == []


def test_how_long_and_the_whole_thing_name_no_topic(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "HOW LONG DOES THE WHOLE TRAINING OF ML TAKE??")
    assert "long" not in q.unknown + q.content and "whole" not in q.unknown + q.content


def test_now_and_anything_name_no_topic(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "now genai. does it do anything so nothing is decided by hand?")
    assert not {"now", "anything", "nothing"} & set(q.unknown + q.content)


def test_chat_intensifiers_are_filler(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "what the heck is genai, freaking everyone talks about it")
    assert "heck" not in q.unknown and "freaking" not in q.unknown


def test_an_exam_tomorrow_and_the_text_asked_of_are_framing(shipped_engine: Engine) -> None:
    reply = shipped_engine.ask(
        "exam tmrw, define machine learning in one sentence based on the text"
    )
    assert reply.kind == "answer" and reply.sources[0].passage_id == "ml-definition"


def test_every_point_of_the_table_is_the_whole_table(engine: Engine) -> None:
    engine.ask("i'm prepping for an intro to AI exam", "table")
    reply = engine.ask("contrast ML and gen AI on every point of the table", "table")
    assert reply.kind == "compare" and len(reply.rows) == len(engine.kb.table)


def test_a_name_the_source_writes_with_a_digit_is_found_without_it() -> None:
    numbered = {"pip": ("pip3",), "python": ("python2", "python3"), "gc": ("gc2",)}
    assert analysis._numbered_form("pip", numbered) == "pip3"
    assert analysis._numbered_form("python", numbered) is None  # python2 or python3: either
    assert analysis._numbered_form("gc", numbered) is None  # too short to say


def test_a_list_shown_beside_another_passage_shows_the_items_asked_about(
    shipped_engine: Engine,
) -> None:
    reply = shipped_engine.ask("What is Midjourney used for?")
    assert len(reply.sources) == 2  # the examples list, and the definition beside it
    assert "Midjourney" in reply.text and "ChatGPT" not in reply.text


def test_them_in_a_first_message_about_a_difference_are_the_subjects(engine: Engine) -> None:
    reply = engine.ask("whats the simplest way to tell them apart", "apart")
    assert reply.kind == "answer" and reply.sources[0].passage_id == "goals"
    engine.ask("what is generative ai?", "two")
    engine.ask("and machine learning?", "two")
    # After turns about each, "the two" are both: "the difference" between them.
    reply = engine.ask("ok so whats the diff between the two", "two")
    assert reply.kind == "compare" and reply.sources[0].passage_id == "goals"
    engine.ask("what is machine learning?", "they")
    engine.ask("and generative ai?", "they")
    reply = engine.ask("so how are they different?", "they")  # both, not the last one
    assert reply.kind == "compare" and reply.sources[0].passage_id == "goals"


def test_a_passage_ranked_about_as_well_is_shown_beside_the_best() -> None:
    text = (
        "# Kettle guide\n\n## Filling\n\nFill the kettle with cold water.\n\n## Limescale\n\n"
        "Hard water leaves limescale inside the kettle; vinegar removes it.\n\n## Cord\n\n"
        "The cord is short so the kettle stays near the wall.\n"
    )
    engine = Engine(importer.build([importer.read_markdown(text, "kettle.md")]).kb)
    reply = engine.ask("does cold water or vinegar matter for the kettle?")
    assert {s.passage_id for s in reply.sources} == {"filling", "limescale"}
    assert "cold water" in reply.text and "vinegar" in reply.text


def test_and_a_subject_asks_of_the_passage_shown_that_names_both(engine: Engine) -> None:
    engine.ask("in the ecommerce example, what does ML do", "shop")
    reply = engine.ask("and which part does genAI handle?", "shop")
    assert reply.sources[0].passage_id == "ecommerce-example"
    engine.ask("In the e-commerce example, what is machine learning doing?", "then")
    reply = engine.ask("and then what does the generative part do?", "then")
    assert reply.sources[0].passage_id == "ecommerce-example"  # a question, not "more"


def test_a_thing_named_with_a_word_the_source_lacks_is_not_classified(engine: Engine) -> None:
    assert engine.ask("is netflix ml or genai?").kind == "answer"
    # "or" between other things than the subjects asks no choice of subject.
    reply = engine.ask("can netflix stream xyzzyvision files or vhs tapes with genai?")
    assert reply.kind == "refusal" and "xyzzyvision" in reply.text


def test_rn_is_filler_and_bring_to_the_table_is_provide(shipped_engine: Engine) -> None:
    q = _query(shipped_engine, "GENAI VS MACHINE LEARNING WHAT IS THE DIFFERENCE. SO CONFUSED RN")
    assert "rn" not in q.unknown
    reply = shipped_engine.ask(
        "What does generative AI bring to the table when the two are combined?"
    )
    assert reply.kind == "answer" and "provides" in reply.text
