"""Supplies to the door: household demand and group orders, allocation plans, vehicle routes, delivery rounds of the last 100 metres."""
