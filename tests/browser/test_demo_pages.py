"""Every page a newcomer opens after `make run`, seeded as the demo job seeds it (tiny models stand in
for the trained demo models) with every queued run executed: each is photographed into
var/screenshots/demo-*.png and none may show an empty state, a failed run or an error page."""
from __future__ import annotations

import io
import json
import re
import shutil

import pytest

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("sandbox_ready")]
expect = pytest.importorskip("playwright.sync_api").expect

# What the pages say when they have nothing to show (templates' empty states), and a crash page.
# (Not "Traceback": pass@k pages rightly quote the tracebacks of the programs that failed.)
EMPTY = re.compile(r"No (audits|datasets|leaderboards|models registered|runs|samples|results|values to draw|"
                   r"variant measured|finished evaluations|published audits|pairs scored)[^.]* yet"
                   r"|Server Error")


@pytest.fixture
def demo(model_root, built_wide_model, settings, tmp_path, monkeypatch):
    """The demo seeded on two tiny models, with every run it queued executed on the spot."""
    from glassbox.evaluations import execution
    from glassbox.evaluations.models import Run
    from glassbox.evaluations.sweeps import services as sweep_services
    from glassbox.site.demo import medusa, passk, seeders
    from glassbox.site.demo.registration import register_demo_models

    settings.VAR_DIR = tmp_path / "var"
    # The tiny models hold 1,024 tokens: HumanEval prompts fit beside 32 new tokens.
    monkeypatch.setattr(passk, "DEMO_PARAMS", {**passk.DEMO_PARAMS, "max_new_tokens": 32})
    # The precision sweeps' six speed runs: a short protocol (their pages are checked, not their timings).
    monkeypatch.setattr(sweep_services, "SPEED_PARAMS", {**sweep_services.SPEED_PARAMS, "max_new_tokens": 8,
                                                         "warmup": 1, "min_repeats": 1, "min_seconds": 0.0})
    # The demo's Medusa heads: a few self-distilled texts and steps (their pages are checked).
    monkeypatch.setattr(medusa, "TEXTS", 4)
    monkeypatch.setattr(medusa, "RECIPE", {**medusa.RECIPE, "steps": 3, "prompt_tokens": 8, "block_size": 32})
    paths = {name: shutil.copytree(built_wide_model, model_root / f"glassbox-demo-{name}") for name in ("base", "draft")}
    models = register_demo_models(paths, io.StringIO())
    for seed in seeders():
        seed(models, io.StringIO())
    for run in Run.objects.filter(status=Run.Status.QUEUED).order_by("pk"):
        execution.execute(run.pk)
    failed = list(Run.objects.exclude(status=Run.Status.SUCCEEDED).values_list("evaluator", "error"))
    assert not failed, failed
    return models


@pytest.fixture(scope="session")
def built_wide_model(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("demo-pages") / "tiny", seed=0, context_length=1024)


def visit(page, path: str, name: str) -> str:
    response = page.goto(path)
    assert response.status == 200, path
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    screenshot(page, f"demo-{name}")
    assert not EMPTY.search(text), (path, EMPTY.search(text).group(0))
    return text


def charts_drawn(page, count: int) -> None:
    # Plotly draws each chart as an SVG inside its div.
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    assert page.locator(".js-plotly-plot").count() >= count


# The demo fixture executes every demo run on the CPU, the precision sweeps' four extra model runs
# included: about 11 minutes on two busy cores, past the suite's 10-minute default.
@pytest.mark.timeout(1500)
def test_every_demo_page_has_something_to_show(page, demo):
    from glassbox.evaluations.models import PrecisionSweep, Run
    from glassbox.leaderboards.models import Leaderboard
    from glassbox.transparency.models import Audit, Checklist

    home = visit(page, "/", "home")
    assert "What Glassbox measures" in home and "Start here" in home

    boards = list(Leaderboard.objects.order_by("slug"))
    assert {b.slug for b in boards} >= {"demo-humaneval", "demo-python-tasks", "demo-stdlib-heldout"}
    for board in boards:
        text = visit(page, f"/leaderboards/{board.slug}/", f"leaderboard-{board.slug}")
        assert board.name in text
    # pass@1: the canonical solutions first (1), the half-broken copy next (0.5), the models last.
    text = visit(page, "/leaderboards/demo-humaneval/", "leaderboard-demo-humaneval")
    assert text.index("HumanEval canonical solutions") < text.index("Half-broken solutions (demo)") \
        < text.index("Glassbox demo base")
    charts_drawn(page, 1)
    # The bars are in the table's unit: pass@1 is a share, drawn in %.
    chart = json.loads(page.locator("#leaderboard-data").text_content())
    assert (chart["values"][:2], chart["suffix"]) == ([100.0, 50.0], "%")
    expect(page.locator("#leaderboard-chart .ytick text").last).to_have_text(re.compile(r"%$"))

    for evaluator in sorted(set(Run.objects.values_list("evaluator", flat=True))):
        run = Run.objects.filter(evaluator=evaluator).order_by("pk").first()
        visit(page, f"/runs/{run.pk}/", f"run-{evaluator}")

    # float32: the base model's codegen also ran at bfloat16 and int8 in its precision sweep.
    base, draft = (Run.objects.filter(evaluator="codegen", model__slug=f"glassbox-demo-{n}", spec__precision="float32")
                   .get() for n in ("base", "draft"))
    visit(page, f"/runs/{base.pk}/compare/{draft.pk}/", "compare-codegen")
    visit(page, "/models/glassbox-demo-base/", "model-base")
    for sweep in PrecisionSweep.objects.order_by("evaluator"):
        text = visit(page, f"/sweeps/{sweep.pk}/", f"sweep-{sweep.evaluator}")
        assert "int8" in text and "tokens/s" in text
        charts_drawn(page, 1)

    checklist = Checklist.objects.get(slug="fmti-2025")
    text = visit(page, f"/transparency/checklists/{checklist.pk}/index/", "transparency-index-2025")
    assert "Glassbox · Glassbox demo base" in text and "(official, FMTI team)" in text
    charts_drawn(page, 1)
    audit = Audit.objects.get(checklist=checklist)
    text = visit(page, f"/transparency/audits/{audit.pk}/", "audit")
    assert "published" in text.lower() and "reconciled" in text
