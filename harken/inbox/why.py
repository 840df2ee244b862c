"""The experience-report fields: the "why" behind a request filed for a customer.

Apart from the models so that code which must not load them (a CSV parser in a child
process, `harken.integrations.csv.note_rows`) can name the fields.
"""

WHY_FIELDS = (
    "wanted_to_do",
    "actually_did",
    "why_not_great",
    "why_interested",
    "problem",
    "workaround",
    "impact",
)
