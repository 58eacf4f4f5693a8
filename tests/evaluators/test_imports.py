"""`import evaluators` stays light: the web process imports it and must not load torch."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_importing_evaluators_does_not_import_torch_or_transformers():
    code = ("import sys, evaluators, evaluators.perplexity, evaluators.core.registry; "
            "print(sorted(m for m in ('torch', 'transformers', 'numpy', 'tokenizers') "
            "if m in sys.modules)); print(evaluators.core.registry.names())")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded, names = result.stdout.splitlines()
    assert loaded == "[]"
    assert "perplexity" in names
