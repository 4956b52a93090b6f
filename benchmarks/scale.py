"""Cost against knowledge-base size: start-up, memory, per question, autocomplete.

Synthetic knowledge bases of 100, 1,000, 10,000 and 100,000 passages are made
by this script (words of a made-up Zipf vocabulary, the commonest ranks
English function words; two subjects, sections, facets, example questions)
and written in the format ``bot.knowledge`` loads, into ``--work``
(default ``benchmarks/.scale/``, reused between runs).

Each size is measured in fresh processes, so start-up and memory are those
of a bot starting on it:

- start-up: from a bare interpreter to an engine ready to answer, first on
  an empty index cache ("cold") and then again ("cached", when the engine
  keeps a persistent index);
- memory: the process's peak resident set, once the engine has answered after
  a first build, and once it is ready after a cached start;
- per question: p50 and p99 of ``Engine.ask`` over questions made from the
  knowledge base (example questions, paraphrases from passage words, one typo,
  words nobody knows; 50 live conversations), interleaved question by
  question with the same question through the engine's retrieval back end
  alone and through plain ``rank_bm25.BM25Okapi.get_scores`` over the same
  passages (whitespace-tokenized, top 8), so all three see the same load;
- autocomplete: p50 and p99 of ``Engine.suggest`` for every keystroke of
  typing 20 questions.

Prints a table with the ratios and writes a PNG plot of cost against size
(needs matplotlib: ``pip install -e ".[bench]"``; skipped without it).

With ``--format markdown`` each knowledge base is converted to one Markdown
file per entry by the project's own ``kb migrate`` and measured in that format.
With ``--format import`` its passages are written out as documents (a Markdown
file of 25 sections per chapter, as an admin's docs folder would hold them)
and made into a knowledge base by the project's own ``kb import``, whose time
is printed too.

    python benchmarks/scale.py [--sizes 100,1000,10000,100000] [--questions 300]
        [--format yaml|markdown|import]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GENERATOR_VERSION = "1"
SIZES = (100, 1_000, 10_000, 100_000)
FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "are",
    "by",
    "this",
    "be",
    "from",
    "or",
    "an",
    "which",
    "can",
    "its",
    "their",
    "these",
    "has",
    "have",
    "more",
    "most",
    "also",
    "into",
    "other",
    "than",
    "such",
    "when",
]
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["ar", "en", "is", "or", "um"]
FACETS = ("definition", "how-it-works", "examples", "history", "uses", "limits", "overview")


# ---------------------------------------------------------------------- the corpus


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """``size`` distinct made-up words, two to four syllables each."""
    seen: dict[str, None] = {}
    while len(seen) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in FUNCTION_WORDS:
            seen.setdefault(word, None)
    return list(seen)


def make_kb(passages: int, folder: Path, seed: int = 9) -> None:
    """Write a synthetic knowledge base of ``passages`` passages into ``folder``."""
    import numpy as np
    import yaml

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    words_per_passage = 50
    size = int(20 * math.sqrt(passages * words_per_passage)) + 1000  # Heaps' law
    vocab = FUNCTION_WORDS + vocabulary(size, rng)
    ranks = np.arange(1, len(vocab) + 1, dtype=float)
    p = ranks**-1.07
    p /= p.sum()
    drawn = nrng.choice(len(vocab), size=(passages, words_per_passage), p=p)
    subjects = [
        {"id": "alpha", "name": "Vorlak Systems", "short": "VS", "aliases": ["vorlak"]},
        {"id": "beta", "name": "Quenti Methods", "short": "QM", "aliases": ["quenti"]},
    ]
    entries = []
    for i in range(passages):
        ws = [vocab[j] for j in drawn[i]]
        content = [w for w in ws if w not in FUNCTION_WORDS] or ws
        sentences = [" ".join(ws[k : k + 10]).capitalize() + "." for k in range(0, len(ws), 10)]
        title = " ".join(content[:3]).title()
        subject = ("alpha", "beta", "")[i % 5 % 3]
        entry: dict[str, Any] = {
            "id": f"p{i}",
            "section": f"Chapter {i // 25 + 1}",
            "title": title,
            "facet": FACETS[i % len(FACETS)],
            "text": " ".join(sentences),
            "questions": [
                f"What is {' '.join(content[:2])}?",
                f"How does {rng.choice(content[-10:])} relate to {rng.choice(content)}?",
            ],
            "keywords": content[3:6],
        }
        if subject:
            entry["subject"] = subject
        entries.append(entry)
    folder.mkdir(parents=True, exist_ok=True)
    source = {
        "name": "Vorlak Systems vs Quenti Methods",
        "source_kind": "guide",
        "title": f"A synthetic guide of {passages:,} passages",
        "date": "2026-12-01",
        "version": f"synthetic-{passages}-{seed}",
        "subjects": subjects,
        "scope": "Vorlak Systems and Quenti Methods (synthetic)",
        "suggested_questions": [
            "What is Vorlak Systems?",
            "What is Quenti Methods?",
            "How do Vorlak Systems work?",
        ],
    }
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for name, data in (("source.yaml", source), ("passages.yaml", {"passages": entries})):
        with (folder / name).open("w", encoding="utf-8") as f:
            yaml.dump(data, f, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    (folder / "GENERATOR").write_text(f"{GENERATOR_VERSION} {passages} {seed}\n")


def questions(kb: Any, count: int, seed: int = 1) -> list[str]:
    """``count`` questions about ``kb``: example questions, paraphrases, typos, unknown words."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        p = kb.passages[rng.randrange(len(kb.passages))]
        ws = [w.strip(".").lower() for w in p.text.split() if w.lower() not in FUNCTION_WORDS]
        kind = i % 6
        if kind in (0, 1):
            out.append(rng.choice(p.questions))
        elif kind in (2, 3):
            out.append(f"how does {' '.join(rng.sample(ws, min(3, len(ws))))} work")
        elif kind == 4:
            word = max(ws, key=len)
            cut = rng.randrange(1, len(word) - 1)
            typo = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
            out.append(f"what is {typo} in {rng.choice(ws)}")
        else:
            out.append(f"is xq{rng.randrange(10**6)}zz better than {rng.choice(ws)}?")
    return out


# ---------------------------------------------------------------------- one process


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def peak_mb() -> float:
    """This process's peak resident set in MB: the kernel's high-water mark of its
    memory (``VmHWM``) where there is one. ``ru_maxrss`` is not that: a child keeps
    the peak of the process that started it (this script's, after making a
    100,000-passage knowledge base, 800 MB)."""
    import resource

    with suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(folder: Path, count: int, startup_only: bool) -> dict[str, Any]:
    """Start an engine on ``folder`` and time it (run in a fresh process)."""
    start = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from bot.engine import Engine

    engine = Engine.load(folder)
    out: dict[str, Any] = {"startup": time.perf_counter() - start}
    if startup_only:
        out["rss_mb"] = peak_mb()
        return out
    import numpy as np
    from rank_bm25 import BM25Okapi

    asked = questions(engine.kb, count)
    for q in asked[:10]:  # warm up, as a running bot is
        engine.ask(q)
    timed: dict[str, list[float]] = {"engine": [], "backend": [], "rank_bm25": []}
    for i, q in enumerate(asked):
        t = time.perf_counter()
        engine.ask(q, f"user-{i % 50}")
        timed["engine"].append(time.perf_counter() - t)
    out["rss_mb"] = peak_mb()
    typed: list[float] = []
    for q in asked[:20]:
        for n in range(1, len(q) + 1):
            t = time.perf_counter()
            engine.suggest(q[:n])
            typed.append(time.perf_counter() - t)
    plain = BM25Okapi([f"{p.title} {p.text}".lower().split() for p in engine.kb.passages])
    terms = [engine.tokenizer.tokenize(q, correct=True) for q in asked]
    for q, ts in zip(asked, terms, strict=True):
        t = time.perf_counter()
        engine.retriever.search(ts, k=8)
        timed["backend"].append(time.perf_counter() - t)
        t = time.perf_counter()
        scores = plain.get_scores(q.lower().split())
        np.argpartition(-scores, min(8, len(scores) - 1))[:8]
        timed["rank_bm25"].append(time.perf_counter() - t)
    for name, values in timed.items():
        out[f"{name}_p50"] = percentile(values, 0.5)
        out[f"{name}_p99"] = percentile(values, 0.99)
    out["suggest_p50"] = percentile(typed, 0.5)
    out["suggest_p99"] = percentile(typed, 0.99)
    return out


def child(folder: Path, count: int, startup_only: bool) -> dict[str, Any]:
    """:func:`measure` in a fresh interpreter."""
    args = [sys.executable, __file__, "--child", str(folder), "--questions", str(count)]
    if startup_only:
        args.append("--startup-only")
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"measuring {folder} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------- report


def ms(seconds: float) -> str:
    """Seconds as milliseconds, three significant figures."""
    return f"{seconds * 1000:.3g} ms"


def report(rows: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
    """Print the table of figures and ratios."""
    print(
        "| passages | start-up cold | start-up cached | memory, first build / cached | "
        "engine p50 (p99) "
        "| back end p50 (p99) | plain rank_bm25 p50 | rank_bm25 / back end | "
        "rank_bm25 / engine | autocomplete p50 (p99) |"
    )
    print("|" + "---|" * 10)
    for size, cold, cached in rows:
        print(
            f"| {size:,} | {cold['startup']:.2f} s | {cached['startup']:.2f} s "
            f"| {cold['rss_mb']:.0f} MB / {cached['rss_mb']:.0f} MB "
            f"| {ms(cold['engine_p50'])} ({ms(cold['engine_p99'])}) "
            f"| {ms(cold['backend_p50'])} ({ms(cold['backend_p99'])}) "
            f"| {ms(cold['rank_bm25_p50'])} "
            f"| {cold['rank_bm25_p50'] / cold['backend_p50']:.1f}x "
            f"| {cold['rank_bm25_p50'] / cold['engine_p50']:.2f}x "
            f"| {ms(cold['suggest_p50'])} ({ms(cold['suggest_p99'])}) |"
        )


def plot(rows: list[tuple[int, dict[str, Any], dict[str, Any]]], path: Path) -> None:
    """Cost against size, log-log, one panel per figure."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no plot: matplotlib is not installed; pip install -e '.[bench]')")
        return
    sizes = [r[0] for r in rows]
    fig, (left, mid, right) = plt.subplots(1, 3, figsize=(15, 4.5))
    for key, label in (
        ("engine_p50", "engine p50"),
        ("engine_p99", "engine p99"),
        ("backend_p50", "back end p50"),
        ("rank_bm25_p50", "plain rank_bm25 p50"),
        ("suggest_p50", "autocomplete p50"),
    ):
        left.plot(sizes, [r[1][key] * 1000 for r in rows], marker="o", label=label)
    left.set(xscale="log", yscale="log", xlabel="passages", ylabel="ms", title="Per request")
    left.legend()
    mid.plot(sizes, [r[1]["startup"] for r in rows], marker="o", label="cold")
    mid.plot(sizes, [r[2]["startup"] for r in rows], marker="o", label="cached")
    mid.set(xscale="log", yscale="log", xlabel="passages", ylabel="s", title="Start-up")
    mid.legend()
    right.plot(sizes, [r[1]["rss_mb"] for r in rows], marker="o", label="first build")
    right.plot(sizes, [r[2]["rss_mb"] for r in rows], marker="o", label="cached start")
    right.legend()
    right.set(xscale="log", yscale="log", xlabel="passages", ylabel="MB", title="Peak memory")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"plot: {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--child``, one measurement)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".scale")
    parser.add_argument("--plot", type=Path, default=ROOT / "benchmarks" / "scale.png")
    parser.add_argument(
        "--format",
        choices=("yaml", "markdown", "import"),
        default="yaml",
        help="the knowledge bases' format: the YAML files, one Markdown file per "
        "entry (converted from the YAML by the project's own `kb migrate`), or "
        "documents made into a knowledge base by `kb import`",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--startup-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.questions, args.startup_only)))
        return 0
    rows = []
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        folder = args.work / f"kb-{size}"
        marker = folder / "GENERATOR"
        if not marker.is_file() or not marker.read_text().startswith(GENERATOR_VERSION + " "):
            shutil.rmtree(folder, ignore_errors=True)
            t = time.perf_counter()
            make_kb(size, folder)
            print(f"made {folder} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        if args.format == "markdown":
            folder = markdown_copy(folder, args.work / f"kb-{size}-md")
        elif args.format == "import":
            folder = imported_copy(folder, args.work / f"kb-{size}-imported")
        clear_index_cache(folder)
        cold = child(folder, args.questions, startup_only=False)
        cached = child(folder, args.questions, startup_only=True)
        rows.append((size, cold, cached))
        print(
            f"{size:,}: {json.dumps(cold)} cached start-up {cached['startup']:.2f} s",
            file=sys.stderr,
        )
    report(rows)
    if len(rows) > 1:
        plot(rows, args.plot)
    return 0


def markdown_copy(folder: Path, target: Path) -> Path:
    """The knowledge base of ``folder`` as Markdown entries in ``target`` (made once,
    with ``python -m bot kb migrate``)."""
    marker = target / "GENERATOR"
    if marker.is_file() and marker.read_text() == (folder / "GENERATOR").read_text():
        return target
    shutil.rmtree(target, ignore_errors=True)
    t = time.perf_counter()
    command = [sys.executable, "-m", "bot", "kb", "migrate", "--knowledge", str(folder)]
    done = subprocess.run([*command, "--out", str(target)], cwd=ROOT, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"kb migrate of {folder} failed (exit {done.returncode})")
    shutil.copy(folder / "GENERATOR", marker)
    print(f"migrated {folder} to Markdown in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return target


def imported_copy(folder: Path, target: Path) -> Path:
    """The passages of ``folder`` written as Markdown documents (one per chapter, a
    ``##`` section per passage) and made into a knowledge base in ``target`` by
    ``python -m bot kb import`` (made once)."""
    import yaml

    marker = target / "GENERATOR"
    if marker.is_file() and marker.read_text() == (folder / "GENERATOR").read_text():
        return target
    shutil.rmtree(target, ignore_errors=True)
    docs = target.with_name(target.name + "-docs")
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (folder / "passages.yaml").open(encoding="utf-8") as f:
        passages = yaml.load(f, Loader=loader)["passages"]  # noqa: S506 - a safe loader
    chapters: dict[str, list[dict[str, Any]]] = {}
    for p in passages:
        chapters.setdefault(p["section"], []).append(p)
    for n, (chapter, items) in enumerate(chapters.items()):
        parts = [f"# Vorlak Systems vs Quenti Methods: {chapter}\n"]
        parts += [f"## {p['title']}\n\n{p['text']}\n" for p in items]
        (docs / f"chapter-{n:05d}.md").write_text("\n".join(parts), encoding="utf-8")
    t = time.perf_counter()
    command = [sys.executable, "-m", "bot", "kb", "import", str(docs), "--out", str(target)]
    done = subprocess.run(command, cwd=ROOT, check=False, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"kb import of {docs} failed (exit {done.returncode}):\n{done.stderr}")
    shutil.copy(folder / "GENERATOR", marker)
    print(
        f"imported {len(passages):,} passages of {len(chapters):,} documents into {target} "
        f"in {time.perf_counter() - t:.1f} s",
        file=sys.stderr,
    )
    return target


def clear_index_cache(folder: Path) -> None:
    """Remove the persistent index of ``folder``, so the next start is a cold one."""
    for stale in folder.glob(".index*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()


if __name__ == "__main__":
    raise SystemExit(main())
