"""Under the Content-Security-Policy the pages with Plotly charts still draw them, and the browser
reports no violation: Plotly comes from /assets/, chart data from json_script elements, and the
inline scripts that draw the charts carry the response's nonce. A script without it is blocked."""
from __future__ import annotations

import pytest

from tests.bias.conftest import pair_rows
from tests.dashboard.conftest import seed_perplexity_run
from tests.evaluations.conftest import DOCUMENTS, write_jsonl

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

# Runs in every document before the page's own scripts: records what the policy refused.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (events and console messages) and script errors."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    problems: list[str] = []
    # Chromium names the policy in each refusal ("... violates the following Content Security Policy ...").
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.problems = problems
    return page


def assert_clean(page) -> None:
    violations = page.evaluate("window.cspViolations")
    assert violations == [] and page.problems == [], (violations, page.problems)


@pytest.fixture
def charts(model_dir, tmp_path, transactional_db, settings):
    """A leaderboard of two models (bar chart), their model pages (history), a published audit
    (the index's heatmap) and a finished bias run (its page's chart); returns the paths."""
    from django.contrib.auth.models import User

    from glassbox.evaluations import services as runs
    from glassbox.evaluations.execution import execute
    from glassbox.leaderboards.services import create_leaderboard
    from glassbox.registry.services import create_dataset_with_version, register_model
    from glassbox.transparency import services as audits

    docs = create_dataset_with_version(name="Docs", slug="docs", kind="text", original_name="docs.jsonl",
                                       uploaded_file_or_path=write_jsonl(tmp_path / "docs.jsonl", DOCUMENTS))
    tiny = register_model(name="Tiny Llama", slug="tiny", source=str(model_dir))
    other = register_model(name="Other Llama", slug="other", source=str(model_dir))
    seed_perplexity_run(tiny, docs, [20.0, 30.0, 40.0, 2.0, 35.0, 25.0])
    seed_perplexity_run(other, docs, [30.0, 45.0, 60.0, 3.0, 52.5, 37.5])
    create_leaderboard(slug="docs-perplexity", name="Docs perplexity", dataset_version=docs,
                       evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")

    checklist = audits.import_checklist_file(
        name="mini.csv", slug="mini", title="Mini checklist",
        data=b"domain,subdomain,indicator,definition,notes\nUpstream,Data,Data size,How much data,\n"
             b"Upstream,Compute,Compute usage,How much compute,\n")
    audit = audits.create_audit(checklist=checklist, developer="Glassbox", name="Tiny audit", model=tiny)
    raters = [User.objects.create_user(name) for name in ("rater-a", "rater-b")]
    for indicator, score in zip(checklist.indicators.all(), (1, 0)):
        for rater in raters:
            audits.record_score(audit, indicator, rater=rater, score=score)
    audits.reconcile_agreements(audit, user=raters[0])
    audits.publish(audit, user=raters[0])

    settings.GLASSBOX_DEVICE = "cpu"
    pairs = create_dataset_with_version(name="Pairs", slug="pairs", kind="bias_pairs", original_name="pairs.jsonl",
                                        uploaded_file_or_path=write_jsonl(tmp_path / "pairs.jsonl", pair_rows()[:6]))
    bias = runs.start_run(evaluator="bias", model=tiny, dataset_version=pairs,
                          params={"method": "shared-tokens", "batch_size": 4})
    execute(bias.pk)
    # Each page, its chart, and what the chart's trace draws (Plotly's own class names).
    return {"leaderboard": ("/leaderboards/docs-perplexity/", "#leaderboard-chart", ".trace.bars .point"),
            "model history": ("/models/tiny/", "#history-chart", ".trace.scatter .point"),
            "transparency index": (f"/transparency/checklists/{checklist.pk}/index/", "#heatmap", ".hm image"),
            "bias run": (f"/runs/{bias.pk}/", "#bias-chart", ".trace.bars .point")}


def test_pages_with_plotly_charts_draw_them_without_csp_violations(watched, charts):
    for name, (path, chart, drawn) in charts.items():
        response = watched.goto(path)
        assert response.status == 200, name
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"], name
        expect(watched.locator(f"{chart} svg.main-svg").first).to_be_visible()
        expect(watched.locator(f"{chart} {drawn}").first).to_be_attached()  # the data, not only the axes
        assert_clean(watched)


def test_an_inline_script_without_the_nonce_is_blocked(watched, charts):
    watched.goto(charts["leaderboard"][0])
    ran = watched.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
        return window.injected === true;
    }""")
    assert ran is False
    watched.wait_for_function("window.cspViolations.length > 0")
    assert watched.evaluate("window.cspViolations") == ["script-src-elem inline"]
    # The console listener sees the refusal too, so the test above would have caught one.
    assert any("inline script violates" in problem for problem in watched.problems), watched.problems
