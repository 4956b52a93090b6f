"""Regenerate ``bot/data/english-frequencies.txt`` from wordfreq (a dev-only tool).

The engine uses how common an English word is to tell a word that carries
the question ("hallucinate", "copyright") from everyday wording ("fancy",
"considered") when the knowledge base does not know the word. The list is
derived from wordfreq's English data (https://github.com/rspeer/wordfreq),
whose data is licensed CC BY-SA 4.0; so is the derived file.

Usage: pip install wordfreq && python tools/make_frequencies.py
"""

from __future__ import annotations

import re
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "bot" / "data" / "english-frequencies.txt"
MIN_ZIPF = 3.0
HEADER = """\
# How common English words are: lines of "<zipf x 10> <word> <word> ...".
# Zipf 6 is a word like "day", 3 a word like "lasagna"; words not listed are rarer.
# Derived from wordfreq's English data (https://github.com/rspeer/wordfreq),
# licensed CC BY-SA 4.0; regenerate with tools/make_frequencies.py.
"""


def main() -> None:
    buckets: dict[int, list[str]] = {}
    for word in top_n_list("en", 80_000):
        if not re.fullmatch(r"[a-z]+", word):
            continue
        zipf = zipf_frequency(word, "en")
        if zipf < MIN_ZIPF:
            break
        buckets.setdefault(round(zipf * 10), []).append(word)
    lines = [f"{b} {' '.join(sorted(ws))}" for b, ws in sorted(buckets.items(), reverse=True)]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {sum(len(w) for w in buckets.values())} words")


if __name__ == "__main__":
    main()
