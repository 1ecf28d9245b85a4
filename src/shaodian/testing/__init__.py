"""Test support every app's tests import: factories (`factories`) and the small fixture city (`city`).

Nothing here is imported by the product; `factory_boy` comes with the `test` extras.
"""
