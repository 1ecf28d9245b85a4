"""The classifier without a database: the fast path equals the fitted pipeline, and the held-out accuracy holds."""

import random

import jieba
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.complaints import classify

ROWS = classify.load()
TRAIN, HELD = classify.split(ROWS)
MODEL = classify.train(TRAIN)
ODD = ["", "a", "ab  c", "ABC 你好  世界\t!", "１２３ＡＢＣ", "急！！！", "住在3号楼2单元,门被焊死了…", "  ", "😷口罩"]
text = st.text(st.sampled_from(list("封门堵小区买不到药发烧就医消防通道急，。！ 3AbＣ\t😷")), max_size=40)


def test_words_block_by_block_are_jiebas_words_of_the_whole_text():
    for _, t in ROWS[:120] + [("", t) for t in ODD]:
        assert classify._words(t) == [w for w in jieba.lcut(t, HMM=False) if w.strip()], t


def test_the_fast_features_equal_the_pipelines_own_transform():
    texts = [t for _, t in ROWS] + ODD
    fast = classify.features(MODEL, texts).toarray()
    slow = MODEL.steps[0][1].transform(texts).toarray()
    assert fast.shape == slow.shape
    assert np.abs(fast - slow).max() < 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(text, min_size=1, max_size=8))
def test_the_fast_path_predicts_what_the_pipeline_predicts(texts):
    assert np.abs(classify.features(MODEL, texts).toarray() - MODEL.steps[0][1].transform(texts).toarray()).max() < 1e-12
    assert classify.predict(MODEL, texts) == [str(c) for c in MODEL.predict(texts)]


def test_held_out_accuracy_stays_where_it_was():
    assert len(HELD) == 80
    assert classify.accuracy(MODEL, HELD) >= 0.78  # 78.8 % before the fast path; the same model now


def test_many_at_once_agree_with_one_at_a_time_and_empty_text_is_other():
    rng = random.Random(3)
    texts = [rng.choice(ROWS)[1] for _ in range(30)] + [""]
    many = classify.suggest_many(texts)
    assert many == [classify.suggest(t) for t in texts]
    assert many[-1] == "other" and classify.suggest_many([]) == []
