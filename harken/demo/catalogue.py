"""The demo's world: Lumen, a B2B analytics product, its teams, roadmap and customers.

Plain data; harken.demo.generate turns it into rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from harken.accounts.models import Role

DEMO_PASSWORD = "harken-demo"  # noqa: S105 - documented, for the demo personas only
DEMO_EMAIL_DOMAIN = "harken.example"


class Persona(NamedTuple):
    username: str
    first_name: str
    last_name: str
    role: Role
    does: str


PERSONAS = (
    Persona("admin", "Alex", "Morgan", Role.ADMIN, "admin: users, settings, everything"),
    Persona("pm", "Paula", "Jensen", Role.MAKER, "product manager, owns Analytics"),
    Persona("priya", "Priya", "Raman", Role.MAKER, "product manager, owns Platform"),
    Persona("marco", "Marco", "Bianchi", Role.MAKER, "product manager, owns Collaboration"),
    Persona("sales", "Sam", "Ortiz", Role.CONTRIBUTOR, "account executive: files feedback"),
    Persona("csm", "Chloe", "Nguyen", Role.CONTRIBUTOR, "customer success manager"),
    Persona("support", "Dev", "Patel", Role.CONTRIBUTOR, "support engineer"),
    Persona("viewer", "Vic", "Stone", Role.VIEWER, "viewer: reads, cannot change"),
)

# (product, owner, [sub-areas])
AREAS = (
    ("Analytics", "pm", ("Dashboards", "Reports & exports", "Data connectors")),
    ("Platform", "priya", ("Authentication & SSO", "Permissions & admin", "API & webhooks")),
    ("Collaboration", "marco", ("Comments & mentions", "Notifications", "Mobile app")),
)


class FeatureIdea(NamedTuple):
    area: str
    title: str
    need: str  # what the customer wants to do, completing "they want to ..."
    pain: str  # what they do today, completing "today they ..."
    description: str


FEATURES = tuple(
    FeatureIdea(*(part.strip() for part in line.split("|")))
    for line in (Path(__file__).parent / "fixtures" / "features.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


# Feedback that is not a feature request: it gets triaged, archived or left in the inbox.
OTHER_NOTES = (
    (
        "Love the new chart tooltips",
        "Just wanted to say the new tooltips are great, the team noticed right away.",
    ),
    (
        "Invoice shows the wrong VAT number",
        "Our invoice for last month has the old VAT number. Can billing fix it?",
    ),
    (
        "Dashboard loads slowly this morning",
        "The sales dashboard took almost a minute to load around 9am.",
    ),
    (
        "How do I rename a workspace?",
        "We merged two teams and want to rename the workspace. Where is that setting?",
    ),
    (
        "Thanks for the quick fix on the export bug",
        "The CSV export works again. Thanks for turning it around so quickly.",
    ),
    (
        "Question about the pricing change",
        "Will the new pricing apply to us at renewal or immediately?",
    ),
    (
        "Chart legend overlaps on small screens",
        "On a 13-inch laptop the legend covers the last bars of the chart.",
    ),
    (
        "Can we get a training session?",
        "New analysts joined the team; is there onboarding training we can book?",
    ),
)

COMPANY_WORDS = (
    "Northwind",
    "Bluefin",
    "Acorn",
    "Brightline",
    "Cobalt",
    "Driftwood",
    "Evergreen",
    "Foxglove",
    "Granite",
    "Harbor",
    "Ironclad",
    "Juniper",
    "Keystone",
    "Lakeshore",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidewater",
    "Upland",
    "Vantage",
    "Willow",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cascade",
    "Delta",
    "Ember",
    "Falcon",
    "Glacier",
    "Horizon",
    "Indigo",
    "Jasper",
    "Kestrel",
    "Maple",
    "Nova",
    "Orchid",
    "Polar",
    "Quantum",
    "Ridge",
    "Sierra",
    "Terra",
    "Vertex",
    "Wavelength",
    "Yarrow",
    "Copperleaf",
    "Silverline",
)
COMPANY_KINDS = (
    "Logistics",
    "Health",
    "Labs",
    "Financial",
    "Retail",
    "Energy",
    "Media",
    "Robotics",
    "Insurance",
    "Foods",
    "Analytics",
    "Systems",
    "Bank",
    "Pharma",
    "Travel",
    "Learning",
    "Manufacturing",
    "Telecom",
    "Legal",
    "Capital",
    "Software",
    "Mobility",
    "Biotech",
    "Games",
)
INDUSTRY = {
    "Financial": "Financial services",
    "Bank": "Financial services",
    "Capital": "Financial services",
    "Insurance": "Financial services",
    "Health": "Healthcare",
    "Pharma": "Healthcare",
    "Biotech": "Healthcare",
    "Retail": "Retail",
    "Foods": "Retail",
    "Learning": "Education",
}
REGIONS = ("North America", "North America", "EMEA", "EMEA", "APAC", "LATAM")
TLDS = (".com", ".com", ".com", ".io", ".co", ".de", ".co.uk", ".fr", ".com.au")

FIRST_NAMES = (
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "Lucas",
    "Mia",
    "Ethan",
    "Sofia",
    "Mateo",
    "Amara",
    "Hiroshi",
    "Fatima",
    "Jonas",
    "Ingrid",
    "Rahul",
    "Mei",
    "Tomás",
    "Chiara",
    "Kwame",
    "Leila",
    "Sven",
    "Aisha",
    "Diego",
    "Hannah",
    "Oskar",
    "Yuki",
    "Nadia",
    "Pierre",
    "Zara",
    "Ben",
    "Lena",
    "Omar",
    "Julia",
    "Felix",
    "Anika",
    "Samuel",
    "Elif",
    "Marta",
    "Kai",
)
LAST_NAMES = (
    "Smith",
    "Müller",
    "García",
    "Rossi",
    "Kowalski",
    "Tanaka",
    "Okafor",
    "Dubois",
    "Johansson",
    "Silva",
    "Khan",
    "Chen",
    "Novak",
    "Andersen",
    "O'Brien",
    "Kim",
    "Schmidt",
    "Fernández",
    "Nakamura",
    "Mensah",
    "Larsen",
    "Moreau",
    "Patel",
    "Haddad",
    "Weber",
    "Costa",
    "Park",
    "Jansen",
    "Ivanova",
    "Murphy",
)
JOB_TITLES = (
    "Head of Analytics",
    "Data Analyst",
    "VP Finance",
    "BI Lead",
    "CTO",
    "Operations Manager",
    "Data Engineer",
    "IT Administrator",
    "Controller",
    "Head of Sales Ops",
)

TAGS = (
    "enterprise",
    "churn-risk",
    "renewal",
    "competitor",
    "onboarding",
    "ux",
    "performance",
    "security",
    "bug",
    "quick-win",
)

# Where a note came from, how often (weight), and a web address for it (or "").
SOURCES = (
    ("email", 18, ""),
    ("zendesk", 15, "https://lumen.zendesk.com/agent/tickets/{n}"),
    ("intercom", 12, "https://app.intercom.com/a/inbox/lumen/inbox/conversation/{n}"),
    ("slack", 11, "https://lumen.slack.com/archives/C04FEEDBACK/p{n}"),
    ("sales_call", 10, "https://lumen.gong.io/call?id={n}"),
    ("portal", 10, ""),
    ("manual", 8, ""),
    ("github", 6, "https://github.com/lumen-hq/lumen/issues/{n}"),
    ("hubspot", 4, "https://app.hubspot.com/contacts/4455/ticket/{n}"),
    ("api", 3, ""),
    ("csv", 3, ""),
)

TITLES = (
    "Can we {need}?",
    "Request: {need}",
    "{company} wants to {need}",
    "Any plans to {need}?",
    "Blocked: need to {need}",
    "{feature}",
    "{feature} - asked again by {company}",
    "Would love to {need}",
)
BODIES = {
    "email": (
        "Hi Lumen team,\n\nWe would really like to {need}. Right now we {pain}, which costs "
        "us time every week.\n\nIs this on your roadmap?\n\nBest,\n{person}\n{job}, {company}"
    ),
    "zendesk": (
        "Customer asks whether it is possible to {need}.\n\nCurrent workaround: they {pain}."
        "\nTicket priority: {priority}."
    ),
    "intercom": (
        "{person}: hey! quick one - is there a way to {need}? at the moment we {pain} and "
        "it's getting painful"
    ),
    "slack": (
        "From #customer-feedback: {company} ({person}) asked today if they can {need}. They "
        "{pain} today. Seems important for their renewal."
    ),
    "sales_call": (
        "Call with {person} ({job}, {company}). They want to {need}; today they {pain}. Came "
        "up twice in the call and they compared us with a competitor."
    ),
    "portal": "It would help our team a lot to {need}. We {pain} at the moment.",
    "manual": "{person} at {company} told me they need to {need}. Today they {pain}.",
    "github": (
        "**Is your feature request related to a problem?**\nWe need to {need}, but today we "
        "{pain}.\n\n**Describe the solution you'd like**\n{feature}."
    ),
    "hubspot": "Ticket from {company}: requester would like to {need}. They currently {pain}.",
    "api": (
        "Submitted through the feedback API by {company}'s internal tool: {need}. "
        "Workaround: they {pain}."
    ),
    "csv": "Imported from the Q2 customer survey. Answer: we want to {need}; today we {pain}.",
}
WHY_NOT_GREAT = (
    "It takes hours every week and errors creep in.",
    "It does not scale beyond a handful of people.",
    "Their security team will not approve the workaround.",
    "The numbers are stale by the time anyone sees them.",
    "Executives have complained about it twice this quarter.",
)
IMPACT = (
    "Renewal in Q{q} depends on it.",
    "They are evaluating a competitor that has it.",
    "Blocks the roll-out to {seats} more seats.",
    "Nice to have; not a blocker.",
    "Their champion is under pressure internally.",
)
