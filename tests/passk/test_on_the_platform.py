"""pass@k on the platform: HumanEval uploaded as it ships (.jsonl.gz), a run executed by the
evaluations app, its problem browser on the run page (model output escaped), and a leaderboard."""
from __future__ import annotations

import pytest

from tests.evaluations.conftest import enqueued, private_storage  # noqa: F401 (fixtures)

from .conftest import HUMANEVAL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sandbox_ready")]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("passk-platform") / "tiny", seed=0, context_length=1024)


def test_humaneval_uploads_runs_and_ranks(model_dir, client, tmp_path):
    import gzip
    import json

    from glassbox.evaluations import execution, services
    from glassbox.evaluations.models import Run
    from glassbox.leaderboards import services as leaderboards
    from glassbox.registry.services import create_dataset_with_version, register_model

    # Three problems, the second holding markup in its prompt that must reach the page escaped.
    rows = [json.loads(line) for line in gzip.open(HUMANEVAL, "rt")][:3]
    rows[1]["prompt"] = rows[1]["prompt"].replace('"""', '"""<script>alert(1)</script>', 1)
    small = tmp_path / "three.jsonl.gz"
    with gzip.open(small, "wt") as handle:
        handle.write("".join(json.dumps(row) + "\n" for row in rows))
    version = create_dataset_with_version(name="HumanEval (3)", slug="humaneval-3", kind="code_tests",
                                          uploaded_file_or_path=small, original_name="three.jsonl.gz")
    assert version.row_count == 3
    model = register_model(name="Tiny", slug="tiny", source=str(model_dir))
    run = services.start_run(evaluator="passk", model=model, dataset_version=version,
                             params={"n": 2, "k": [1, 2], "max_new_tokens": 8})
    execution.execute(run.pk)
    run = Run.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    metrics = {m.name: m for m in run.metrics.all()}
    assert metrics["pass@1"].value == 0.0 and metrics["pass@2"].value == 0.0 and metrics["pass@1"].n == 3
    assert "pass@5" not in metrics

    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert "<h2>Problems</h2>" in page and "HumanEval/1" in page
    # Every sample's outcome counted, six samples in all.
    counts = page[page.index("<h2>Outcomes of every sample</h2>"):page.index("<h2>Problems</h2>")]
    assert sum(run.summary["outcomes"].values()) == 6
    assert '<tfoot><tr><th>total</th><td class="num">6</td>' in counts
    for outcome, count in run.summary["outcomes"].items():
        assert f'<tr><td>{outcome}</td><td class="num">{count}</td>' in counts
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    record = run.samples.get(key="HumanEval/0").data
    assert record["outcomes"][0].startswith("failed: ") or record["outcomes"][0] == "timed out"

    leaderboards.create_leaderboard(slug="he", name="HumanEval", dataset_version=version, evaluator="passk",
                                    metrics=["pass@1", "codebleu"], primary_metric="pass@1",
                                    params={"n": 2, "k": [1, 2], "max_new_tokens": 8})
    board = client.get("/leaderboards/he/")
    assert board.status_code == 200 and "pass@1" in board.content.decode()
    assert board.context["table"]["rows"][0]["model"] == "tiny"
