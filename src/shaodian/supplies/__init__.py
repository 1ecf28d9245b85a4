"""Livelihood supplies from stock to door: catalogue, reserves on a ledger, suppliers, demand, allocation, routes, deliveries, prices."""
