"""The dataset page: every version with its hash, rows, size and date, the kind's schema, and a
preview of the chosen version's first rows."""
from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from evaluators.core.datasets import SCHEMAS

from .conftest import DOCUMENTS

pytestmark = pytest.mark.django_db


def page(client, slug: str, **params) -> str:
    response = client.get(reverse("registry:dataset-detail", args=[slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dataset_page_lists_versions_with_hash_rows_and_size(client, text_file, text_version,
                                                                  second_text_version, tmp_path):
    html = page(client, "docs")
    first = text_file.read_bytes()
    second = (tmp_path / "docs-v2.jsonl").read_bytes()
    for data, rows in ((first, len(DOCUMENTS)), (second, 2)):
        row = html.split(hashlib.sha256(data).hexdigest())[0].rsplit("<tr>", 1)[1]
        assert f'<td class="num">{rows}</td>' in row and f'<td class="num">{len(data)}</td>' in row
    assert "shorter" in html


def test_the_dataset_page_shows_the_kinds_schema(client, text_version):
    html = page(client, "docs")
    for field in SCHEMAS["text"].fields:
        assert f"<code>{field.name}</code>" in html


def test_the_preview_shows_the_newest_version_unless_another_is_chosen(client, text_version, second_text_version):
    newest = page(client, "docs").split('id="preview"')[1]
    assert "Preview of v2" in newest
    assert "The quick brown fox" in newest and "Sphinx of black quartz" not in newest
    chosen = page(client, "docs", version=1).split('id="preview"')[1]
    assert "Preview of v1" in chosen and "Sphinx of black quartz" in chosen


def test_the_dataset_page_takes_two_queries_however_many_versions(client, text_version, second_text_version,
                                                                  django_assert_num_queries):
    with django_assert_num_queries(2):  # the dataset with its counts, then its versions
        client.get(reverse("registry:dataset-detail", args=["docs"]))
