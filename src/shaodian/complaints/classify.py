"""A category suggestion from a complaint's text: jieba words and character n-grams, a linear model trained on
the labelled set that ships in data/labelled.tsv. No Django here; the operator confirms every suggestion."""

import functools
import logging
from pathlib import Path

DATA = Path(__file__).with_name("data") / "labelled.tsv"
HOLDOUT_EVERY = 5  # every fifth line of each category is held out to measure accuracy


def load(path: Path = DATA) -> list[tuple[str, str]]:
    """(category, text) pairs of the labelled set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            category, text = line.split("\t", 1)
            rows.append((category.strip(), text.strip()))
    return rows


def split(rows: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, held out): deterministic, the same share of every category held out."""
    seen: dict[str, int] = {}
    train, held = [], []
    for category, text in rows:
        seen[category] = seen.get(category, 0) + 1
        (held if seen[category] % HOLDOUT_EVERY == 0 else train).append((category, text))
    return train, held


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]  # the HMM for unknown words doubles the time


def train(rows: list[tuple[str, str]]):
    """A fitted scikit-learn pipeline: word (jieba) and character TF-IDF, then a linear SVM."""
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    jieba.setLogLevel(logging.WARNING)
    features = make_union(
        TfidfVectorizer(tokenizer=_words, token_pattern=None, lowercase=False, ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
    )
    model = make_pipeline(features, LinearSVC(C=0.8, class_weight="balanced"))
    model.fit([t for _, t in rows], [c for c, _ in rows])
    return model


def accuracy(model, rows: list[tuple[str, str]]) -> float:
    if not rows:
        return 0.0
    predicted = model.predict([t for _, t in rows])
    return sum(p == c for p, (c, _) in zip(predicted, rows, strict=True)) / len(rows)


@functools.lru_cache(maxsize=1)
def model():
    """The model trained on the whole labelled set (trained once per process, under a second)."""
    return train(load())


def suggest(text: str) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        return "other"
    return str(model().predict([text])[0])


def suggest_many(texts: list[str]) -> list[str]:
    return [str(c) for c in model().predict(texts)]
