"""Key persons and health monitoring: returnee lists (来返人员), risk areas, daily health reports, alerts, follow-up calls."""
