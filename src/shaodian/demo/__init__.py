"""The demo city 海棠市: a deterministic synthetic city built through the product's own services.

It sits above every product app (nothing in the product imports it). Each domain has its
builder module here; `city.build_city` runs them in order and `shaodian demo-city` calls it.
"""
