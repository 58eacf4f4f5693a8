"""An auditor opens an audit, scores an indicator with a justification, and sees the score in the table."""
from __future__ import annotations

import pytest

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

CHECKLIST = (b"domain,subdomain,indicator,definition,notes\n"
             b"Upstream,Data,Data size,How much data,\n"
             b"Upstream,Compute,Compute usage,How much compute,\n")


@pytest.fixture
def audit(transactional_db):
    from glassbox.transparency import services

    checklist = services.import_checklist_file(name="mini.csv", slug="mini", title="Mini checklist", data=CHECKLIST)
    return services.create_audit(checklist=checklist, developer="Glassbox", name="Tiny audit")


def test_an_auditor_scores_an_indicator(page, auditor, audit):
    from glassbox.transparency.models import IndicatorScore

    path = f"/transparency/audits/{audit.pk}/"
    log_in(page, auditor, path)
    expect(page.locator("h1")).to_contain_text("Tiny audit")
    scores = page.locator("main table:has(th:text-is('Indicator'))")
    expect(scores.locator("tr:has(td)")).to_have_count(2)
    row = page.locator("tr", has=page.locator("strong:text-is('Compute usage')"))
    row.locator("summary:text-is('score')").click()
    row.locator("select[name=score]").select_option("1")
    row.locator("textarea[name=justification]").fill("The report gives the GPU hours.")
    row.locator("button:text-is('Save')").click()

    page.wait_for_url(f"**{path}")
    header = scores.locator("tr").first.locator("th")
    # Columns: indicator, one per rater, final, suggested, score; the auditor's own column appears.
    expect(header).to_have_text(["Indicator", auditor.username, "Final", "Suggested", "Score"])
    row = page.locator("tr", has=page.locator("strong:text-is('Compute usage')"))
    expect(row.locator("td").nth(1)).to_have_text("1")
    expect(row.locator("summary")).to_have_text("change my score")
    other = page.locator("tr", has=page.locator("strong:text-is('Data size')"))
    expect(other.locator("td").nth(1)).to_have_text("—")
    expect(page.locator("h2:text-is('History') + table")).to_contain_text("scored")
    saved = IndicatorScore.objects.get()
    assert (saved.indicator.name, saved.score, saved.rater_id) == ("Compute usage", 1, auditor.pk)
    assert saved.justification == "The report gives the GPU hours."
    screenshot(page, "audit")
