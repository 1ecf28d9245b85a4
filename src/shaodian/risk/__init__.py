"""Risk assessment (风险研判): the pure risk matrix, its indicators from the database, and people's confirmations.

Below measures: a measure's evaluation cites confirmed levels and its zone is checked against cases
(`matrix.zone_breadth_warning`); risk itself knows nothing of measures.
"""
