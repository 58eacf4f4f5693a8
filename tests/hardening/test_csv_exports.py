"""Every CSV download is formula-safe, because every one is written by one writer.

A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return,
which some spreadsheets skip first) is written behind a single quote; numbers stay numbers.
"""
from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
PLATFORM = Path(__file__).resolve().parents[2] / "platform"
HOSTILE = {"domain": "=HYPERLINK(\"http://x\",\"y\")", "subdomain": "+1+1", "indicator": "-2+3",
           "definition": "@SUM(A1)", "notes": "\t=cmd|' /C calc'!A0", "keywords": "\r=1"}


def _quoted(text: str) -> str:
    return "'" + text


def test_the_checklist_csv_export_escapes_formula_cells(client):
    from evaluators.transparency.checklists import Checklist, Indicator
    from glassbox.transparency import services

    item = Indicator(HOSTILE["domain"], HOSTILE["subdomain"], HOSTILE["indicator"], HOSTILE["definition"],
                     HOSTILE["notes"], (HOSTILE["keywords"],))
    plain = Indicator("Upstream", "Data", "Data size", "How much data", "", ("tokens", "size"))
    checklist = services.import_checklist(Checklist("hostile", (item, plain)), slug="hostile")
    response = client.get(f"/transparency/checklists/{checklist.pk}/export.csv")
    assert response.status_code == 200
    first, second = csv.DictReader(io.StringIO(response.content.decode(), newline=""))
    assert first == {key: _quoted(value) for key, value in HOSTILE.items()}
    assert second == {"domain": "Upstream", "subdomain": "Data", "indicator": "Data size",
                      "definition": "How much data", "notes": "", "keywords": "tokens;size"}


def test_a_leaderboard_cell_starting_with_a_tab_or_carriage_return_is_escaped_and_numbers_are_not():
    from glassbox.leaderboards.exports import table_csv

    row = {"rank_group": 1, "model": "a", "model_name": "\t=1+1", "run": 7, "fingerprint": "\r@x",
           "cells": {"loss": {"value": -1.5, "ci_low": -2.0, "ci_high": -1.0, "n": 6}}, "vs_leader": None}
    text = table_csv({"leaderboard": {"metrics": ["loss"]}, "rows": [row]})
    (line,) = csv.DictReader(io.StringIO(text, newline=""))
    assert line["model_name"] == "'\t=1+1" and line["fingerprint"] == "'\r@x"
    assert (line["loss"], line["loss_ci_low"], line["loss_ci_high"], line["loss_n"]) == ("-1.5", "-2.0", "-1.0", "6")
    assert line["diff_vs_group_leader"] == "" and line["tie_method"] == ""


def test_no_code_but_the_one_writer_makes_csv():
    writers = []
    for path in PLATFORM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name) and node.value.id == "csv"):
                writers.append(path.relative_to(PLATFORM).as_posix())
    assert writers == ["glassbox/config/csv_export.py"]
