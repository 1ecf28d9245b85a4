"""Complaint classification (诉求分类): suggest a category for 100,000 complaint texts.

    shaodian bench classify [--texts 100000] [--seed 1]

Ours: the shipped model (jieba words and character n-grams, linear SVM) trained on the labelled set, then
`classify.suggest_many` over the texts. The baseline is the floor under any word model: jieba segmentation of
the same texts alone. The texts are the labelled set's lines with a varying prefix and suffix, drawn at random.
The held-out accuracy (every fifth labelled line per category, unseen in training) is printed first.
Target: ≤ 20 s for the 100,000.

`classify` caches jieba's words per text block (a run between punctuation), and these texts repeat blocks more
than a real hotline day does; so the same 100,000 are classified a second time with that cache off (every block
cut afresh, as if every text were new), and that figure is printed too.
"""

import random
import time

from shaodian_bench import _support

NAME = "classify"
TARGET_S = 20.0
PREFIXES = ["", "你好，", "我要反映，", "麻烦问一下，", "急！", "市民来电：", "本人住在小区里，"]
SUFFIXES = ["", "，请尽快处理。", "，谢谢！", "，希望有关部门重视。", "。已经好几天了。", "，盼复。"]


def main(argv: list[str]) -> int:
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--texts", type=int, default=100_000)
    opts = p.parse_args(argv)
    import jieba

    from shaodian.complaints import classify

    rows = classify.load()
    train, held = classify.split(rows)
    model = classify.train(train)
    print(f"held-out accuracy: {classify.accuracy(model, held):.1%} of {len(held)} lines "
          f"(trained on {len(train)}, {len({c for c, _ in rows})} categories)")
    rng = random.Random(opts.seed)
    texts = [rng.choice(PREFIXES) + rng.choice(rows)[1] + rng.choice(SUFFIXES) for _ in range(opts.texts)]
    classify.model()  # trained once per process, outside the timing, as a server does at its first request
    t0 = time.perf_counter()
    jieba.initialize()
    for t in texts:
        jieba.lcut(t, HMM=False)
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    suggested = classify.suggest_many(texts)
    ours = time.perf_counter() - t0
    assert len(suggested) == len(texts)
    cached, classify._block_words = classify._block_words, classify._block_words.__wrapped__
    try:
        t0 = time.perf_counter()
        cold = classify.suggest_many(texts)
        uncached = time.perf_counter() - t0
    finally:
        classify._block_words = cached
    assert cold == suggested, "the block cache changed a suggestion"
    print(f"{opts.texts} texts with jieba's block cache off: {uncached:.1f} s")
    print(f"{opts.texts} texts in {ours:.1f} s ({'within' if ours <= TARGET_S else 'over'} the {TARGET_S:.0f} s target)")
    print(f"{NAME}: ours {ours:.2f} s, baseline {baseline:.2f} s, ratio {ours / baseline:.2f}")
    return 0
