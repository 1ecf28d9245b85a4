"""What each audited object type is called on the audit page (the codes stay in the database)."""

from django.utils.translation import pgettext_lazy


def _t(text):
    return pgettext_lazy("object type", text)


OBJECT_TYPES = {
    "resident": _t("Resident"),
    "household": _t("Household"),
    "place": _t("Place"),
    "place_flags": _t("Place flags (negative list)"),
    "user": _t("User account"),
    "care_note": _t("Care note"),
    "care_assignment": _t("Special-group care arrangement"),
    "case": _t("Case"),
    "contact": _t("Close contact"),
    "contacts": _t("Close-contact list"),
    "checkpoint": _t("Checkpoint"),
    "pass": _t("Pass"),
    "verify": _t("Code check at a checkpoint"),
    "scan_alert": _t("Scan alert"),
    "closure": _t("Closure"),
    "measure": _t("Measure"),
    "risk_confirmation": _t("Risk confirmation"),
    "vote": _t("Ballot"),
    "vote_tokens": _t("Voting links"),
    "transfer_request": _t("Transfer request"),
    "outbox_item": _t("Outbox item"),
    "resident_export_file": _t("Resident export file"),
    "monitoring": _t("Health monitoring"),
    "complaint": _t("Complaint"),
    "complaint_photo": _t("Complaint photo"),
    "complaint_reporter": _t("Complaint reporter's identity"),
    "complaint_review": _t("Over-blocking review"),
    "complaint_routing": _t("Complaint routing rule"),
    "admission_list": _t("Admission list"),
    "allocation_plan": _t("Allocation plan"),
    "campaign": _t("Screening campaign"),
    "delivery_round": _t("Delivery round"),
    "delivery_stop": _t("Delivery to a household"),
    "demand": _t("Supply request"),
    "demand_link": _t("Supply request link"),
    "disinfection": _t("Vehicle disinfection"),
    "driver": _t("Driver"),
    "driver_health_check": _t("Driver health check"),
    "driver_link": _t("Driver's link to a resident"),
    "driver_whitelist": _t("Drivers' white list"),
    "equipment_gaps": _t("Equipment gap list"),
    "freight_node": _t("Freight node"),
    "price": _t("Price observation"),
    "route_run": _t("Route plan"),
    "sample": _t("Test sample"),
    "sampling_site": _t("Sampling site"),
    "stock_count": _t("Stock count"),
    "stock_entry": _t("Stock ledger entry"),
    "supplier": _t("Supplier"),
    "supplier_contact": _t("Supplier contact"),
    "supply_order": _t("Supply order"),
    "task": _t("Task"),
    "task_photo": _t("Task photo"),
    "testing_round": _t("Testing round"),
    "vehicle": _t("Supply vehicle"),
    "vehicle_driver": _t("Vehicle's driver"),
    "visit_task": _t("Door visit"),
    "warehouse": _t("Warehouse"),
    "wartime_activation": _t("Wartime supply activation"),
    "wartime_memo": _t("Wartime cooperation memo"),
    "whistle": _t("Whistle"),
    "worker": _t("Worker"),
    "workload_rule": _t("Workload rule"),
    "follow_up_call": _t("Follow-up call"),
    "health_alert": _t("Health alert"),
    "health_report": _t("Health report"),
    "report_link": _t("Self-report link"),
    "returnee_list": _t("Returnee list"),
    "returnee_row": _t("Returnee list row"),
    "risk_area": _t("Risk area"),
}


def object_type_label(code: str) -> str:
    """The translated name; an unknown code (a new type without a label) shows as itself."""
    label = OBJECT_TYPES.get(code)
    return str(label) if label is not None else code
