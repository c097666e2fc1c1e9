"""The 话术库 search and the compliance guard (issue 18's figures), in process, no database.

What is measured and printed (one JSON object per line):

1. ``reply_search_top1`` / ``reply_search_top3``: accuracy on the held-out set
   (``benchmarks/data/reply_questions.json``: 268 questions written separately from the scripts, 4 per
   script, colloquial, with typos, emoji, pinyin and English), against the 67 scripts of the seeded library
   (``creditdesk.replies.library_data``) indexed as the service indexes the approved versions. Also per half:
   ``split="dev"`` (the first two questions of every script: the half looked at while the synonym table
   was written) and ``split="test"`` (the other two, never looked at). Goal: top-3 ≥ 90 %.
2. ``reply_search_p50`` / ``reply_search_p95`` (ms): one search (normalise, jieba, BM25 on words and
   bigrams, synonyms, top 5) over BENCH_REPLY_SCRIPTS scripts (default 5,000: the 67 real ones and
   synthetic ones made of the real scripts' sentences, shuffled and recombined, so the postings are as
   dense as a real large library's), every held-out question BENCH_REPLY_ROUNDS times (default 3) after
   one warm-up pass. Goal: p95 < 30 ms. ``reply_index_build`` (s): building that index cold, and again
   after one script changed (the texts' words are remembered: only BM25 indexing is redone).
3. ``compliance_guard_throughput`` (texts/s): ``Guard.check`` with the seeded rules (``rules_data``) on
   BENCH_GUARD_TEXTS messages (default 20,000: real scripts' answers, greetings, collection messages and
   texts that break each rule, 20–300 characters), channel ``collection`` (every rule applies);
   ``compliance_guard_p95`` (ms) per text.

Caveats: in process (the page adds a database query for the library's version and the rendering); one
thread on a 2-CPU host.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creditdesk.compliance import guard, rules_data  # noqa: E402  (after the path is set)
from creditdesk.replies import search  # noqa: E402
from creditdesk.replies.library_data import SCRIPTS  # noqa: E402

SCRIPT_COUNT = int(os.environ.get("BENCH_REPLY_SCRIPTS", "5000"))
ROUNDS = int(os.environ.get("BENCH_REPLY_ROUNDS", "3"))
GUARD_TEXTS = int(os.environ.get("BENCH_GUARD_TEXTS", "20000"))
QUESTIONS = json.loads((ROOT / "benchmarks" / "data" / "reply_questions.json").read_text(encoding="utf-8"))


def emit(**row: object) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


def log(message: str) -> None:
    print(f"[bench_replies] {message}", file=sys.stderr, flush=True)


def real_docs() -> list[search.SearchDoc]:
    return [
        search.SearchDoc(
            id=i,
            question=s["question"],
            variants=tuple(s["variants"]),
            answer=s["answer"] + "\n" + "\n".join(s["disclosures"]),
            category=s["category"],
        )
        for i, s in enumerate(SCRIPTS)
    ]


def synthetic_docs(count: int, start: int, rng: random.Random) -> list[search.SearchDoc]:
    """Scripts made of the real ones' words, recombined: the same vocabulary and density of postings."""
    questions = [s["question"] for s in SCRIPTS] + [v for s in SCRIPTS for v in s["variants"]]
    sentences = [p for s in SCRIPTS for p in s["answer"].replace("？", "。").split("。") if p]
    docs = []
    for i in range(count):
        picked = rng.sample(questions, 5)
        docs.append(
            search.SearchDoc(
                id=start + i,
                question=picked[0][: len(picked[0]) // 2] + picked[1][len(picked[1]) // 2 :],
                variants=tuple(p[::-1] if j % 2 else p for j, p in enumerate(picked[2:])),
                answer="。".join(rng.sample(sentences, 4)),
                category=rng.choice(["faq", "objection", "risk", "collection", "compliance", "product"]),
            )
        )
    return docs


def accuracy(index: search.ScriptIndex, questions: list[dict[str, str]]) -> tuple[float, float]:
    keys = [s["key"] for s in SCRIPTS]
    top1 = top3 = 0
    for q in questions:
        found = [keys[h.id] for h in index.search(q["q"], k=3) if h.id < len(keys)]
        top1 += found[:1] == [q["key"]]
        top3 += q["key"] in found
    return round(top1 / len(questions), 4), round(top3 / len(questions), 4)


def splits() -> dict[str, list[dict[str, str]]]:
    seen: dict[str, int] = {}
    out: dict[str, list[dict[str, str]]] = {"dev": [], "test": []}
    for q in QUESTIONS:
        n = seen.get(q["key"], 0)
        seen[q["key"]] = n + 1
        out["dev" if n < 2 else "test"].append(q)
    return out


def bench_accuracy() -> None:
    index = search.ScriptIndex(real_docs())
    scale = f"{len(SCRIPTS)} scripts, {len(QUESTIONS)} held-out questions"
    top1, top3 = accuracy(index, QUESTIONS)
    emit(name="reply_search_top1", value=top1, unit="ratio", scale=scale, split="all")
    emit(name="reply_search_top3", value=top3, unit="ratio", scale=scale, split="all", goal=">= 0.90")
    for name, questions in splits().items():
        top1, top3 = accuracy(index, questions)
        emit(
            name="reply_search_top1",
            value=top1,
            unit="ratio",
            scale=f"{len(questions)} questions",
            split=name,
        )
        emit(
            name="reply_search_top3",
            value=top3,
            unit="ratio",
            scale=f"{len(questions)} questions",
            split=name,
        )


def bench_latency() -> None:
    rng = random.Random(18)
    docs = real_docs() + synthetic_docs(max(0, SCRIPT_COUNT - len(SCRIPTS)), len(SCRIPTS), rng)
    started = time.perf_counter()
    index = search.ScriptIndex(docs)
    built = time.perf_counter() - started
    scale = f"{len(docs)} scripts"
    emit(name="reply_index_build", value=round(built, 3), unit="s", scale=scale, case="cold")
    docs[0] = search.SearchDoc(
        id=0, question=docs[0].question + "？", variants=docs[0].variants, answer=docs[0].answer
    )
    started = time.perf_counter()
    index = search.ScriptIndex(docs)
    emit(
        name="reply_index_build",
        value=round(time.perf_counter() - started, 3),
        unit="s",
        scale=scale,
        case="after one script changed",
    )
    for q in QUESTIONS:  # warm-up: jieba's cache, numpy's first calls
        index.search(q["q"], k=5)
    timings = []
    for _ in range(ROUNDS):
        order = QUESTIONS[:]
        rng.shuffle(order)
        for q in order:
            t = time.perf_counter()
            index.search(q["q"], k=5)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    emit(name="reply_search_p50", value=round(statistics.median(timings), 2), unit="ms", scale=scale)
    emit(
        name="reply_search_p95",
        value=round(timings[int(len(timings) * 0.95) - 1], 2),
        unit="ms",
        scale=scale,
        goal="< 30",
        searches=len(timings),
    )


def guard_rules() -> list[guard.RuleSpec]:
    return [
        guard.RuleSpec(
            code=r["code"],
            kind=guard.Kind(r["kind"]),
            severity=guard.Severity(r["severity"]),
            message=r["message"],
            suggestion=r.get("suggestion", ""),
            pattern=r.get("pattern", ""),
            channels=frozenset(c for c in r.get("channels", "").split(",") if c),
            negation_exempt=r.get("negation_exempt", True),
        )
        for r in rules_data.RULES
    ]


BAD = [
    "放心，包过，三天下款！",
    "我们有内部渠道，无视征信。",
    "可以帮您做征信修复，消除逾期记录。",
    "月息只要5厘，低息贷款。",
    "请核对身份证 110101199003077571 和卡号 6222021234567890128。",
    "再不还就通知你家人和单位，老赖。",
    "先交2000元保证金就能下款，转账到我个人微信。",
]
GOOD = [
    "{name}您好，祝您中秋快乐，阖家幸福！",
    "您好，您的贷款本月还款日为 15 日，请提前存足金额。如有困难请及时与我联系。",
    "本产品年化利率 4.35%（单利，含费用），具体以合同为准。",
]


def bench_guard() -> None:
    rng = random.Random(4)
    corpus = [s["answer"] for s in SCRIPTS] + BAD + GOOD
    texts = []
    for _ in range(GUARD_TEXTS):
        parts = rng.sample(corpus, rng.randint(1, 2))
        texts.append("".join(parts)[:300])
    checker = guard.Guard(guard_rules())
    for text in texts[:500]:
        checker.check(text, "collection")
    timings = []
    blocked = 0
    started = time.perf_counter()
    for text in texts:
        t = time.perf_counter()
        blocked += checker.check(text, "collection").blocked
        timings.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - started
    timings.sort()
    scale = (
        f"{len(texts)} texts, {len(rules_data.RULES)} rules, avg {sum(map(len, texts)) // len(texts)} chars"
    )
    emit(name="compliance_guard_throughput", value=round(len(texts) / total), unit="texts/s", scale=scale)
    emit(
        name="compliance_guard_p95",
        value=round(timings[int(len(timings) * 0.95) - 1], 3),
        unit="ms",
        scale=scale,
    )
    log(f"guard: {blocked} of {len(texts)} texts blocked")


if __name__ == "__main__":
    bench_accuracy()
    bench_latency()
    bench_guard()
