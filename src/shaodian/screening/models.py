"""Screening campaigns (地毯式排查), door visits and their coverage, testing rounds (核酸/抗原筛查)."""
