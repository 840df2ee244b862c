"""The core loop in a real browser: a contributor files feedback for a customer; a product
manager finds it in the inbox, links a highlighted passage to a new feature as critical and
marks it processed; the feature page shows the customer's company."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from harken.accounts.models import User
from harken.customers.models import Company
from harken.features.models import Area, Feature
from harken.inbox.actions import IncomingNote, ingest_note
from harken.inbox.models import Importance, Link, Note, NoteState

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSAGE = "a PDF of the revenue dashboard every Monday"
SELECT_PASSAGE = """(passage) => {
  const body = document.querySelector('[data-highlight-source] .note-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(passage);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + passage.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    body.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    return true;
  }
  return false;
}"""


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/inbox/.*"))


def test_feedback_to_feature_loop(
    live_server: LiveServer, page: Page, contributor: User, maker: User, acme: Company
) -> None:
    base = live_server.url

    # A customer-facing teammate files feedback on Acme's behalf, with the why.
    sign_in(page, base, contributor.username)
    page.goto(f"{base}/feedback/new/")
    page.fill("#id_title", "Scheduled PDF export of dashboards")
    page.fill("#id_body", f"Jo wants to send the board {PASSAGE}, without copy-paste.")
    page.fill("#id_wanted_to_do", "Send the board a weekly revenue report")
    page.fill("#id_actually_did", "Took screenshots and pasted them into slides")
    page.fill("#id_why_not_great", "Two hours every week and the numbers are stale")
    page.fill("#id_person_email", "jo@acme.com")
    page.fill("#id_customer_priority", "8")
    page.get_by_role("button", name="File feedback").click()
    page.wait_for_url(re.compile(r".*/notes/\d+/"))
    note = Note.objects.get(title="Scheduled PDF export of dashboards")
    assert note.company == acme
    assert note.submitter == contributor

    # The product manager finds it in the inbox.
    page.context.clear_cookies()
    sign_in(page, base, maker.username)
    page.get_by_role("link", name="Scheduled PDF export of dashboards").click()
    page.wait_for_url(f"{base}/notes/{note.pk}/")

    # ... selects a passage, creates a feature in place and links the passage as critical.
    assert page.evaluate(SELECT_PASSAGE, PASSAGE)
    assert page.input_value("#highlight") == PASSAGE
    page.fill("#feature-q", "Scheduled dashboard exports")
    page.get_by_text("Create a new feature").click()
    page.locator("label.seg.critical").click()
    with page.expect_response(re.compile(r".*/notes/\d+/link/")) as answer:
        page.get_by_role("button", name="Link", exact=True).click()
    assert answer.value.ok
    link = Link.objects.select_related("feature").get(note=note)
    assert link.importance == Importance.CRITICAL
    assert link.highlight == PASSAGE
    assert link.feature.title == "Scheduled dashboard exports"
    # The response arrives before htmx swaps the page; typing before the swap would type into
    # the form it is about to replace.
    expect(page.locator(".link-list .link-feature")).to_have_text("Scheduled dashboard exports")

    # ... and marks it processed with a word for the teammate.
    page.fill("#comment", "Thanks, this is planned for next quarter.")
    with page.expect_response(re.compile(r".*/notes/\d+/state/")) as answer:
        page.get_by_role("button", name="Mark processed").click()
    assert answer.value.ok
    note.refresh_from_db()
    assert note.state == NoteState.PROCESSED
    assert "planned for next quarter" in contributor.notifications.get().text

    # The feature page shows the company that asked, with the importance and the passage.
    feature = Feature.objects.get(pk=link.feature_id)
    page.goto(f"{base}/features/{feature.pk}/")
    evidence = page.locator("main")
    assert evidence.get_by_role("link", name="Acme Corp").count() >= 1
    assert PASSAGE in evidence.inner_text()
    assert "Critical" in evidence.inner_text()

    # The teammate sees the notification in the app.
    page.context.clear_cookies()
    sign_in(page, base, contributor.username)
    assert page.get_by_test_id("unread").inner_text() == "1"


def test_a_comment_typed_first_survives_linking(
    live_server: LiveServer,
    page: Page,
    contributor: User,
    maker: User,
    acme: Company,
    feature: Feature,
    area: Area,
) -> None:
    """Linking swaps the whole note; the note for the teammate that the PM is writing stays."""
    note = ingest_note(
        contributor,
        IncomingNote(
            title="Board report as PDF",
            body="We need a PDF export for the board meeting.",
            company_id=acme.pk,
            why={"wanted_to_do": "Send the board a report"},
        ),
    )[0]
    sign_in(page, live_server.url, maker.username)
    page.goto(f"{live_server.url}/notes/{note.pk}/")
    page.fill("#comment", "Linked to the PDF export.")
    page.fill("#feature-q", "Export")
    expect(page.locator("#feature-choices")).to_contain_text("Export to PDF")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator(".link-list .link-feature")).to_have_text("Export to PDF")
    assert page.input_value("#comment") == "Linked to the PDF export."

    with page.expect_response(re.compile(r".*/notes/\d+/state/")) as answer:
        page.get_by_role("button", name="Mark processed").click()
    assert answer.value.ok
    assert "Linked to the PDF export." in contributor.notifications.get().text
