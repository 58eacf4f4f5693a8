"""codegen scores uploaded completions (a model served elsewhere) as it scores generations: the
first completion of each scored row against the row's references, with no model loaded."""
from __future__ import annotations

import pytest
import sacrebleu

from evaluators.core.base import EvaluationError, ModelRef, RunContext

from .conftest import TASKS


def run_upload(completions: list[dict], **params) -> tuple[dict, dict]:
    from evaluators import registry

    entry = registry.get("codegen")
    records: dict[str, dict] = {}
    ctx = RunContext(model=ModelRef("nowhere: not a model"), rows=[dict(task) for task in TASKS],
                     spec=entry.make_spec({"completions": "uploads@1", **params}),
                     completions=[{"id": i + 1, **c} for i, c in enumerate(completions)],
                     on_sample=lambda key, index, record: records.__setitem__(key, record))
    return entry.run(ctx), records


def test_the_first_completion_of_each_row_is_scored_against_its_references():
    chosen = {"add": "    return a + b\n", "square": "    return x ** 2\n", "loop": "    print(i)\n",
              "point": "        self.x = x\n        self.y = y\n", "fox": "print('dog')\n"}
    uploads = [{"task_id": key, "completion": text} for key, text in chosen.items()]
    uploads.append({"task_id": "add", "completion": "    return a - b\n"})  # a second sample: kept, not scored
    summary, records = run_upload(uploads)
    assert records["add"]["generation"] == "    return a + b\n"
    assert records["add"]["generations"] == ["    return a + b\n", "    return a - b\n"]
    # Three of five equal a reference token for token: add, square (its second reference), point.
    assert summary["exact_match"] == pytest.approx(3 / 5) and summary["n"] == 5
    hypotheses = list(chosen.values())
    # sacrebleu's corpus BLEU over the same rows, references padded as sacrebleu wants them.
    streams = [[task["references"][0] for task in TASKS],
               [task["references"][1] if len(task["references"]) > 1 else task["references"][0] for task in TASKS]]
    assert summary["bleu"] == pytest.approx(sacrebleu.corpus_bleu(hypotheses, streams).score)


def test_every_scored_row_needs_a_completion_and_no_other_task_may_appear():
    with pytest.raises(EvaluationError, match="have 0 of task 'fox' but scoring needs at least 1"):
        run_upload([{"task_id": task["id"], "completion": "pass\n"} for task in TASKS[:4]])
    with pytest.raises(EvaluationError, match="line 6: task_id 'cat' is not one of the dataset's tasks"):
        run_upload([{"task_id": task["id"], "completion": "pass\n"} for task in TASKS] +
                   [{"task_id": "cat", "completion": "pass\n"}])


@pytest.mark.django_db
def test_a_request_is_refused_at_once_when_a_scored_row_has_no_completion(tmp_path, settings):
    from evaluators.codegen.prompts import plan_prompts
    from glassbox.evaluations import services
    from glassbox.evaluations.requests import RequestError
    from glassbox.registry.services import create_dataset_with_version, register_model
    from tests.evaluations.conftest import write_jsonl

    settings.MEDIA_ROOT = tmp_path / "media"
    tasks = create_dataset_with_version(name="Tasks", kind="codegen", original_name="t.jsonl",
                                        uploaded_file_or_path=write_jsonl(tmp_path / "t.jsonl", TASKS))
    model = register_model(name="Remote", source="api.example.com", served_elsewhere=True)
    shot = plan_prompts(TASKS, "few-shot", 1).shot_ids[0]

    def upload(name: str, ids: list[str]) -> str:
        rows = [{"task_id": i, "completion": "pass\n"} for i in ids]
        create_dataset_with_version(name=name, slug=name, kind="code_completions", original_name=f"{name}.jsonl",
                                    uploaded_file_or_path=write_jsonl(tmp_path / f"{name}.jsonl", rows))
        return name

    without_fox = upload("without-fox", [t["id"] for t in TASKS if t["id"] != "fox"])
    with pytest.raises(RequestError, match="have 0 of task 'fox' but scoring needs at least 1") as error:
        services.start_run(evaluator="codegen", model=model, dataset_version=tasks, params={"completions": without_fox})
    assert error.value.field == "params"
    # With one few-shot example, that row is not scored: an upload without it is accepted.
    without_shot = upload("without-shot", [t["id"] for t in TASKS if t["id"] != shot])
    run = services.start_run(evaluator="codegen", model=model, dataset_version=tasks,
                             params={"completions": without_shot, "template": "few-shot", "k": 1})
    assert run.spec["completions"] == "without-shot@1"
