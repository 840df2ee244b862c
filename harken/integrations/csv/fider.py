"""Fider's "Export posts to CSV" format, read as notes.

Fider (https://github.com/getfider/fider, app/pkg/csv/csv.go) writes the columns below and
joins a post's tags with ", ", so a tag that itself contains a comma (without a space) stays
whole. The post number becomes the external id, so importing the export again, or a later
export that repeats older posts, adds only the new ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harken.integrations.csv.reader import header_key

COLUMNS = (
    "number",
    "title",
    "description",
    "created_at",
    "created_by",
    "votes_count",
    "comments_count",
    "status",
    "responded_by",
    "responded_at",
    "response",
    "original_number",
    "original_title",
    "tags",
)
TAG_SEPARATOR = ", "
NOTICE = (
    "Read as a Fider export: the post number is the external id (fider-<number>), the "
    "description is the body, created_at the received date; author, votes, status, the "
    "team's response and the original of a duplicate are kept at the end of the body."
)


def is_fider_export(header: Sequence[str]) -> bool:
    keys = {header_key(h) for h in header}
    return {"number", "votes_count", "original_number", "responded_by"} <= keys


def to_note_values(values: Mapping[str | None, str]) -> dict[str | None, str]:
    """A Fider row as the columns of Harken's own notes format."""
    facts = []
    if values.get("created_by"):
        facts.append(f"by {values['created_by']}")
    votes, comments = values.get("votes_count", ""), values.get("comments_count", "")
    if votes:
        facts.append(f"{votes} vote{'' if votes == '1' else 's'}")
    if comments:
        facts.append(f"{comments} comment{'' if comments == '1' else 's'}")
    if values.get("status"):
        facts.append(f"status {values['status']}")
    lines = [
        f"Fider post #{values.get('number') or '?'}" + (f", {', '.join(facts)}." if facts else ".")
    ]
    if values.get("original_number"):
        original = f"#{values['original_number']}"
        if values.get("original_title"):
            original += f" “{values['original_title']}”"
        lines.append(f"Duplicate of {original}.")
    if values.get("response"):
        who = values.get("responded_by") or "the team"
        when = f" on {values['responded_at'][:10]}" if values.get("responded_at") else ""
        lines.append(f"Response by {who}{when}: {values['response']}")
    body = values.get("description", "")
    footer = "\n".join(lines)
    note: dict[str | None, str] = {
        "title": values.get("title", ""),
        "body": f"{body}\n\n{footer}" if body else footer,
        "received_at": values.get("created_at", ""),
        "tags": values.get("tags", ""),
    }
    if values.get("number"):
        note["external_id"] = f"fider-{values['number']}"
    return note
