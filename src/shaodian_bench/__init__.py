"""Benchmarks of Shaodian against plain baselines: `shaodian bench NAME [options]`.

They sit outside the product: nothing in `shaodian` imports them; the console script hands
`bench` to `shaodian_bench.command.main`.
"""
