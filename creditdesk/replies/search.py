"""Finding the team's answer from the customer's own words (话术检索).

Pure (no Django). A CM pastes what the customer wrote — colloquial, with typos and emoji — and gets the
best matching scripts, ranked:

1. The text is normalised: NFKC (full-width → half-width), lower case, emoji and symbols dropped, common
   phone-typing homophones of finance words corrected (``TYPOS``: 正信 → 征信, 带款 → 贷款 …).
2. It is cut into words by jieba with the finance dictionary (``FINANCE_WORDS``: 年化利率, 等额本息,
   异议申诉 … kept whole) and, separately, into character bigrams of its Chinese runs (a word jieba cuts
   differently, or a typo not in the table, still shares most of its bigrams with the script).
3. Both are ranked by BM25 (``bm25s``) over each script's question, its variants (weighted up: they are
   how customers ask) and its answer; the word score and the bigram score are added with
   ``BIGRAM_WEIGHT``; synonyms of the query's words (``SYNONYMS``: 利息/利率/费用, 还不上/逾期 …) are added
   as a second query at ``SYNONYM_WEIGHT``.
4. Scripts that fit the conversation (the lead's stage, the product, the customer's tier) get a small
   bonus (``FIT_BONUS``); a filter (category, …) removes the others.

The index is built once per library version; the words of each text are remembered (``tokens``), so a
rebuild after one script changed costs the BM25 indexing only. A search takes about a millisecond over
5,000 scripts (``make bench``: ``bench_replies``).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import bm25s
import jieba
import numpy as np

MAX_QUERY = 2_000
"""The longest question searched (a pasted chat is a few hundred characters); longer is refused."""

QUESTION_WEIGHT = 3
VARIANT_WEIGHT = 2
ANSWER_WEIGHT = 1
BIGRAM_WEIGHT = 0.6
SYNONYM_WEIGHT = 0.5
FIT_BONUS = 0.05  # relative: a fitting script's score × (1 + bonus)


def _listed(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FINANCE_WORDS = _listed(
    "年化利率 年化 月利率 日利率 等额本息 等额本金 先息后本 到期还本 提前还款 提前结清 违约金 罚息 复利 征信 "
    "征信报告 信用报告 信用记录 异议申诉 异议 征信修复 受托支付 自主支付 经营贷 消费贷 抵押贷 信用贷 公积金 "
    "公积金贷款 社保 展期 续贷 无还本续贷 逾期 放款 下款 到账 额度 提额 担保人 担保费 担保公司 收款码 税贷 "
    "洗白 提早还 进度 发票贷 个体户 个体工商户 营业执照 银行流水 工资流水 还款日 扣款 还款卡 利息 "
    "手续费 服务费 包装资料 "
    "中介费 好处费 回扣 催收 分期 房贷 车贷 装修贷 放贷 审批 审核 面签 合同 电子合同 LPR 浮动利率 固定利率 "
    "抵押物 房产证 评估费 网贷 小额贷款 信用卡 理财 存款 代发工资 对公账户 个人信息 隐私 骚扰 投诉 失业 "
    "还不上 还不起 没钱还 贷多少 能贷多少 多久 几天 材料 资料 手续"
)

TYPOS: dict[str, str] = {
    # phone typing of finance words by sound (拼音输入法): the wrong word → the word meant
    "正信": "征信",
    "征心": "征信",
    "争信": "征信",
    "蒸信": "征信",
    "带款": "贷款",
    "代款": "贷款",
    "袋款": "贷款",
    "抵压": "抵押",
    "低压": "抵押",
    "底押": "抵押",
    "违约今": "违约金",
    "违约近": "违约金",
    "为约金": "违约金",
    "额渡": "额度",
    "利律": "利率",
    "力率": "利率",
    "展其": "展期",
    "预期了": "逾期了",
    "愈期": "逾期",
    "余期": "逾期",
    "罚习": "罚息",
    "审皮": "审批",
    "公基金": "公积金",
    "公积经": "公积金",
    "流睡": "流水",
    "zhengxin": "征信",
    "daikuan": "贷款",
    "lixi": "利息",
    "apr": "年化利率",
}

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("利率", "利息", "费用", "年化", "年化利率", "息", "费率", "贵"),
    ("逾期", "还不上", "还不起", "没钱还", "拖欠", "欠款", "晚还", "逾期了"),
    ("征信", "信用记录", "信用报告", "征信报告", "信用", "黑名单"),
    ("贷款", "借款", "借钱", "贷", "借", "放贷"),
    ("放款", "下款", "到账", "打款", "批下来", "放贷"),
    ("额度", "贷多少", "能贷多少", "多少钱", "金额"),
    ("提前还款", "提前还", "提早还", "提前结清", "一次性还清", "还清"),
    ("违约金", "罚金", "手续费", "罚款"),
    ("抵押", "房产", "房子", "押", "抵押物", "房本"),
    ("材料", "资料", "证件", "手续", "证明"),
    ("担保", "担保人", "保人", "作保", "担保费"),
    ("审批", "审核", "批", "通过"),
    ("投诉", "骚扰", "打扰"),
    ("收入", "工资", "流水", "银行流水", "工资流水"),
    ("多久", "几天", "时间", "多长时间", "快"),
    ("删除", "注销", "销毁"),
    ("个人信息", "隐私", "信息", "资料泄露", "泄露"),
    ("展期", "延期", "缓还", "宽限", "延长"),
    ("征信修复", "洗白", "修复征信", "消除逾期", "铲单", "删除逾期"),
    ("年龄", "年纪", "岁", "退休", "老了"),
    ("进度", "到哪一步", "审批进度", "结果", "进展"),
    ("中介", "中介费", "服务费", "包装"),
)

STOPWORDS = frozenset(
    _listed(
        "的 了 吗 呢 啊 呀 吧 嘛 哦 哈 我 你 您 他 她 们 是 在 就 都 也 还 和 跟 与 或 这 那 个 么 什么 "
        "怎么 请问 想 问 问下 一下 下 请 要 会 可以 能 有 没 没有 给 让 把 被 对 从 到 为 着 过 很 太 又 再 "
        "一 这个 那个 现在 我们 你们 咱 咱们 ok 好 嗯 呗 啥 咋 哪 吗 不"
    )
)

_DROP = re.compile(r"[^\w\u3400-\u9fff]+")  # emoji, punctuation, symbols → space
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"^[\w\u3400-\u9fff]+$")

_tokenizer_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """One jieba tokenizer per process, with the finance words added (loading takes ~1 s, once)."""
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in FINANCE_WORDS:
                tokenizer.add_word(word, freq=200_000)
            _tokenizer = tokenizer
        return _tokenizer


def _synonym_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        for word in group:
            table.setdefault(word, set()).update(w for w in group if w != word)
    return {word: tuple(sorted(others)) for word, others in table.items()}


SYNONYMS = _synonym_table()


def normalize(text: str) -> str:
    """NFKC, lower case, symbols and emoji dropped, the known typos corrected."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DROP.sub(" ", text)
    for wrong, right in TYPOS.items():
        if wrong in text:
            text = text.replace(wrong, right)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    """The words of normalised ``text`` (jieba, finance words kept whole), stop words left out."""
    out = []
    for token in _jieba().lcut(text, HMM=True):
        token = token.strip()
        if token and token not in STOPWORDS and _WORD.match(token):
            out.append(token)
    return out


def bigrams(text: str) -> list[str]:
    """The character bigrams of the Chinese runs of normalised ``text`` (a lone character is kept)."""
    out = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            if run not in STOPWORDS:
                out.append(run)
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


@functools.lru_cache(maxsize=65_536)
def tokens(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words and bigrams of a raw text, remembered: rebuilding the index after one script changed
    tokenises only that script's texts (jieba is most of a cold build)."""
    plain = normalize(text)
    return tuple(words(plain)), tuple(bigrams(plain))


@dataclass(frozen=True)
class SearchDoc:
    """One script as the index sees it."""

    id: int
    question: str
    variants: tuple[str, ...]
    answer: str
    category: str = ""
    stages: frozenset[str] = frozenset()  # empty: any
    products: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Context:
    """The conversation a search is made in: scripts that fit it rank a little higher."""

    stage: str = ""
    product: str = ""
    tier: str = ""

    def fits(self, doc: SearchDoc) -> bool:
        wants = [(self.stage, doc.stages), (self.product, doc.products), (self.tier, doc.tiers)]
        given = [(value, allowed) for value, allowed in wants if value]
        return bool(given) and all(not allowed or value in allowed for value, allowed in given)


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    terms: tuple[str, ...]  # the query's words found in the script (to show why it matched)


@dataclass
class ScriptIndex:
    docs: Sequence[SearchDoc]
    _words: bm25s.BM25 = field(init=False, repr=False)
    _bigrams: bm25s.BM25 = field(init=False, repr=False)
    _vocab: list[set[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        word_corpus: list[list[str]] = []
        bigram_corpus: list[list[str]] = []
        self._vocab = []
        for doc in self.docs:
            parts = (
                [(doc.question, QUESTION_WEIGHT)]
                + [(v, VARIANT_WEIGHT) for v in doc.variants]
                + [(doc.answer, ANSWER_WEIGHT)]
            )
            doc_words: list[str] = []
            doc_bigrams: list[str] = []
            for text, weight in parts:
                text_words, text_bigrams = tokens(text)
                doc_words += list(text_words) * weight
                doc_bigrams += list(text_bigrams) * weight
            word_corpus.append(doc_words or ["∅"])
            bigram_corpus.append(doc_bigrams or ["∅"])
            self._vocab.append(set(doc_words))
        self._words = bm25s.BM25()
        self._bigrams = bm25s.BM25()
        if self.docs:
            self._words.index(word_corpus, show_progress=False)
            self._bigrams.index(bigram_corpus, show_progress=False)

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        context: Context | None = None,
        keep: Callable[[SearchDoc], bool] | None = None,
    ) -> list[Hit]:
        """The ``k`` best scripts for ``query`` (already validated: not empty, at most ``MAX_QUERY``)."""
        if not self.docs:
            return []
        query_words, query_bigrams = (list(t) for t in tokens(query))
        if not query_words and not query_bigrams:
            return []
        scores = np.zeros(len(self.docs))
        if query_words:
            scores += self._words.get_scores(query_words)
            expansion = sorted({s for w in query_words for s in SYNONYMS.get(w, ())} - set(query_words))
            if expansion:
                scores += SYNONYM_WEIGHT * self._words.get_scores(expansion)
        if query_bigrams:
            scores += BIGRAM_WEIGHT * self._bigrams.get_scores(query_bigrams)
        if context is not None:
            bonus = np.array([1 + FIT_BONUS if context.fits(d) else 1.0 for d in self.docs])
            scores *= bonus
        if keep is not None:
            mask = np.array([keep(d) for d in self.docs], dtype=bool)
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        hits = []
        for i in order:
            if scores[i] <= 0:
                break
            found = tuple(w for w in dict.fromkeys(query_words) if w in self._vocab[i])
            hits.append(Hit(id=self.docs[i].id, score=round(float(scores[i]), 4), terms=found))
        return hits
