"""Release and handover: checklist, outcome per basic condition, closing (issue 4, item 5)."""
