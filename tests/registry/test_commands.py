"""`manage.py add_dataset` and `manage.py register_model`."""
import csv
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from glassbox.registry.models import Dataset, DatasetVersion, Model

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
CROWS = Path(__file__).resolve().parents[1] / "data" / "crows_pairs" / "crows_pairs_anonymized.csv"  # 101 pairs


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_dataset_creates_the_dataset_and_reports_the_rows():
    with CROWS.open(newline="", encoding="utf-8") as handle:
        expected = sum(1 for _ in csv.DictReader(handle))
    output = run("add_dataset", "--name", "CrowS-Pairs", "--kind", "bias_pairs", str(CROWS))
    version = DatasetVersion.objects.get()
    assert output.startswith(f"crows-pairs v1: {expected} rows, sha256 {version.sha256}")
    assert version.row_count == expected and version.dataset.kind == "bias_pairs"


def test_add_dataset_twice_keeps_one_version_and_new_content_adds_version_2(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"prompt": "a"}\n')
    run("add_dataset", "--name", "P", "--kind", "prompts", "--slug", "p", str(path))
    assert "unchanged" in run("add_dataset", "--name", "P", "--kind", "prompts", "--slug", "p", str(path))
    path.write_text('{"prompt": "a"}\n{"prompt": "b"}\n')
    assert run("add_dataset", "--name", "P", "--kind", "prompts", "--slug", "p", str(path)).startswith("p v2: 2 rows")
    assert Dataset.objects.count() == 1 and DatasetVersion.objects.count() == 2


def test_add_dataset_refuses_a_bad_file_naming_line_and_field_and_keeps_nothing(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"prompt": "a"}\n{"prompt": 5}\n')
    with pytest.raises(CommandError) as caught:
        run("add_dataset", "--name", "P", "--kind", "prompts", str(path))
    assert str(caught.value) == "p.jsonl line 2: field 'prompt' must be a string, got a number"
    assert not Dataset.objects.exists()


def test_add_dataset_refuses_a_kind_other_than_the_existing_datasets(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "a"}\n')
    run("add_dataset", "--name", "T", "--kind", "text", str(path))
    with pytest.raises(CommandError, match="dataset 't' holds text data, not prompts"):
        run("add_dataset", "--name", "T", "--kind", "prompts", str(path))


def test_a_bad_file_exits_1_with_the_message_and_no_traceback(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"prompt": "a"}\n[]\n')
    database = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "glassbox.config.settings.test",
           "GLASSBOX_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True, timeout=120)
    result = subprocess.run([sys.executable, "manage.py", "add_dataset", "--name", "P", "--kind", "prompts",
                             str(path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: p.jsonl line 2: each line must be a JSON object, got a list"


def test_register_model_registers_once_and_is_idempotent(model_dir):
    args = ("register_model", "--name", "Tiny", "--source", str(model_dir), "--license", "MIT",
            "--tag", "tiny", "--tag", "test")
    output = run(*args)
    model = Model.objects.get()
    assert output == f"tiny: registered LlamaForCausalLM, {model.parameter_count} parameters, context 64\n"
    assert model.tags == ["tiny", "test"] and model.license == "MIT"
    assert run(*args) == f"tiny: already registered from {model_dir.resolve()}\n"
    assert Model.objects.count() == 1


def test_register_model_refuses_a_taken_slug_from_another_source(model_dir, tmp_path):
    run("register_model", "--name", "Tiny", "--source", str(model_dir))
    with pytest.raises(CommandError, match="the slug 'tiny' is already used by a model from"):
        run("register_model", "--name", "Tiny", "--source", "acme/tiny", "--revision", "a" * 40)


def test_register_model_explains_a_refusal(tmp_path):
    with pytest.raises(CommandError, match="a hub model must be pinned to a commit"):
        run("register_model", "--name", "Hub", "--source", "acme/tiny", "--revision", "main")


def test_register_model_served_elsewhere_reads_nothing_and_is_idempotent():
    args = ("register_model", "--name", "Remote coder", "--source", "api.example.com: coder", "--revision",
            "2026-11-Preview", "--served-elsewhere")
    assert run(*args) == ("remote-coder: registered as served elsewhere (api.example.com: coder); "
                          "evaluate it from its uploaded completions\n")
    model = Model.objects.get()
    assert model.served_elsewhere and model.revision == "2026-11-Preview" and model.architecture == ""
    assert run(*args) == "remote-coder: already registered from api.example.com: coder\n"
