"""Reading uploaded dataset files: every refusal names the file, the line and the field."""
import csv
import json
from pathlib import Path

import pytest

from evaluators.core.datasets import SCHEMAS, DatasetError, detect_format, read_dataset, sha256_of

CROWS = Path(__file__).resolve().parents[1] / "data" / "crows_pairs" / "crows_pairs_anonymized.csv"  # 101 pairs


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def jsonl(*rows) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def refusal(path: Path, kind: str, **kwargs) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        read_dataset(path, kind, **kwargs)
    return caught.value


# --- accepted files ---------------------------------------------------------------------------

def test_codegen_rows_are_normalised_with_ids_as_strings_and_a_single_reference_as_a_list(tmp_path):
    path = write(tmp_path, "code.jsonl", jsonl(
        {"id": 7, "prompt": "def f():", "references": ["  return 1", "  return 2"], "lang": "python",
         "extra": "dropped"},
        {"prompt": "int main()", "reference": "{ return 0; }", "lang": "c"},
    ))
    assert read_dataset(path, "codegen") == [
        {"id": "7", "prompt": "def f():", "references": ["  return 1", "  return 2"], "lang": "python"},
        {"id": "2", "prompt": "int main()", "references": ["{ return 0; }"], "lang": "c"},
    ]


def test_ids_default_to_the_line_number_and_blank_lines_are_skipped(tmp_path):
    path = write(tmp_path, "p.jsonl", '{"prompt": "a"}\n\n{"prompt": "b"}\r\n')
    assert read_dataset(path, "prompts") == [{"id": "1", "prompt": "a"}, {"id": "3", "prompt": "b"}]


def test_a_plain_text_file_is_one_document_with_id_1(tmp_path):
    path = write(tmp_path, "essay.txt", "First line.\nSecond line.\n")
    assert read_dataset(path, "text") == [{"id": "1", "text": "First line.\nSecond line.\n"}]


def test_a_byte_order_mark_is_tolerated(tmp_path):
    path = write(tmp_path, "t.jsonl", b'\xef\xbb\xbf{"id": "a", "text": "hello"}\n')
    assert read_dataset(path, "text") == [{"id": "a", "text": "hello"}]


def test_a_text_holding_a_unicode_line_separator_stays_one_line(tmp_path):
    path = write(tmp_path, "t.jsonl", '{"text": "one\u2028two"}\n')
    assert read_dataset(path, "text") == [{"id": "1", "text": "one\u2028two"}]


def test_the_crows_pairs_file_validates_with_every_row():
    with CROWS.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    rows = read_dataset(CROWS, "bias_pairs")
    assert len(rows) == len(expected) == 101
    assert [r["id"] for r in rows] == [str(n) for n in range(1, len(expected) + 1)]
    for row, source in zip(rows, expected):
        assert row == {"id": row["id"], "sent_more": source["sent_more"], "sent_less": source["sent_less"],
                       "stereo_antistereo": source["stereo_antistereo"], "bias_type": source["bias_type"]}
    assert sum(r["stereo_antistereo"] == "antistereo" for r in rows) == sum(
        s["stereo_antistereo"] == "antistereo" for s in expected)


def test_bias_pairs_in_jsonl_are_accepted(tmp_path):
    pair = {"sent_more": "A", "sent_less": "B", "stereo_antistereo": "antistereo", "bias_type": "age"}
    path = write(tmp_path, "pairs.jsonl", jsonl({"id": "x", **pair}))
    assert read_dataset(path, "bias_pairs") == [{"id": "x", **pair}]


def test_a_csv_id_column_is_used_and_a_quoted_multi_line_cell_is_kept(tmp_path):
    path = write(tmp_path, "pairs.csv", 'id,sent_more,sent_less,stereo_antistereo,bias_type\n'
                                        'p1,"two\nlines",B,stereo,gender\n')
    assert read_dataset(path, "bias_pairs") == [
        {"id": "p1", "sent_more": "two\nlines", "sent_less": "B", "stereo_antistereo": "stereo",
         "bias_type": "gender"}]


def test_limit_stops_after_that_many_rows(tmp_path):
    path = write(tmp_path, "p.jsonl", jsonl({"prompt": "a"}, {"prompt": "b"}, "not json"))
    assert [r["prompt"] for r in read_dataset(path, "prompts", limit=2)] == ["a", "b"]


def test_sha256_and_format_helpers(tmp_path):
    import hashlib

    path = write(tmp_path, "x.csv", b"abc")
    assert sha256_of(path) == hashlib.sha256(b"abc").hexdigest()
    assert [detect_format(n) for n in ("a.JSONL", "b.ndjson", "c.csv", "d.txt")] == ["jsonl", "jsonl", "csv", "txt"]
    assert set(SCHEMAS) == {"codegen", "text", "bias_pairs", "prompts", "bbq", "code_tests", "code_completions",
                            "repeat_prompts", "truthfulqa"}


# --- refusals ---------------------------------------------------------------------------------

def test_the_message_names_the_upload_line_and_field(tmp_path):
    lines = [{"prompt": f"p{i}", "references": ["r"], "lang": "py"} for i in range(13)]
    lines.append({"prompt": "p", "references": 5, "lang": "py"})
    error = refusal(write(tmp_path, "tmp123.jsonl", jsonl(*lines)), "codegen", display_name="upload.jsonl")
    assert str(error) == "upload.jsonl line 14: field 'references' must be a list of strings, got a number"
    assert (error.line, error.field) == (14, "references")


@pytest.mark.parametrize("row, field, message", [
    ({"references": ["r"], "lang": "py"}, "prompt", "missing required field 'prompt'"),
    ({"prompt": "  ", "references": ["r"], "lang": "py"}, "prompt", "field 'prompt' must not be empty"),
    ({"prompt": 3, "references": ["r"], "lang": "py"}, "prompt", "field 'prompt' must be a string, got a number"),
    ({"prompt": "p", "lang": "py"}, "references", "missing required field 'references' (or 'reference')"),
    ({"prompt": "p", "references": [], "lang": "py"}, "references",
     "field 'references' must hold at least one non-empty string"),
    ({"prompt": "p", "references": ["ok", None], "lang": "py"}, "references",
     "field 'references' must be a list of strings, got a list holding null"),
    ({"prompt": "p", "reference": "a", "references": ["b"], "lang": "py"}, "references",
     "give either 'references' (a list) or 'reference' (a string), not both"),
    ({"prompt": "p", "reference": ["a"], "lang": "py"}, "reference",
     "field 'reference' must be a string, got a list"),
    ({"prompt": "p", "references": ["r"]}, "lang", "missing required field 'lang'"),
    ({"id": 1.5, "prompt": "p", "references": ["r"], "lang": "py"}, "id",
     "field 'id' must be a string or an integer, got a number"),
    ({"id": True, "prompt": "p", "references": ["r"], "lang": "py"}, "id",
     "field 'id' must be a string or an integer, got a boolean"),
    ({"id": "", "prompt": "p", "references": ["r"], "lang": "py"}, "id", "field 'id' must not be empty"),
])
def test_a_bad_codegen_field_is_named_with_its_line(tmp_path, row, field, message):
    good = {"prompt": "p", "references": ["r"], "lang": "py"}
    error = refusal(write(tmp_path, "c.jsonl", jsonl(good, good, row)), "codegen")
    assert (error.line, error.field, error.reason) == (3, field, message)
    assert str(error) == f"c.jsonl line 3: {message}"


def test_it_rejects_a_dataset_line_without_text(tmp_path):
    error = refusal(write(tmp_path, "t.jsonl", jsonl({"text": "ok"}, {"id": "b"})), "text")
    assert str(error) == "t.jsonl line 2: missing required field 'text'"
    assert error.field == "text"


def test_malformed_json_names_the_line_and_column(tmp_path):
    error = refusal(write(tmp_path, "p.jsonl", '{"prompt": "a"}\n{"prompt": "b",}\n'), "prompts")
    assert error.line == 2 and error.field is None
    assert str(error) == "p.jsonl line 2: invalid JSON: Expecting property name enclosed in double quotes (column 16)"


@pytest.mark.parametrize("line, got", [("[1, 2]", "a list"), ('"text"', "a string"), ("3", "a number"),
                                      ("null", "null")])
def test_a_line_that_is_not_an_object_is_refused(tmp_path, line, got):
    error = refusal(write(tmp_path, "p.jsonl", '{"prompt": "a"}\n' + line + "\n"), "prompts")
    assert str(error) == f"p.jsonl line 2: each line must be a JSON object, got {got}"


def test_duplicate_ids_name_both_lines(tmp_path):
    path = write(tmp_path, "p.jsonl", jsonl({"id": 3, "prompt": "a"}, {"prompt": "b"}, {"id": "3", "prompt": "c"}))
    error = refusal(path, "prompts")
    assert str(error) == "p.jsonl line 3: id '3' is already used on line 1"
    assert (error.line, error.field) == (3, "id")


def test_an_explicit_id_clashing_with_a_default_line_number_id_is_a_duplicate(tmp_path):
    path = write(tmp_path, "p.jsonl", jsonl({"prompt": "a"}, {"id": "1", "prompt": "b"}))
    assert str(refusal(path, "prompts")) == "p.jsonl line 2: id '1' is already used on line 1"


def test_a_non_utf8_byte_names_the_line_and_byte_offset(tmp_path):
    content = b'{"text": "fine"}\n{"text": "caf\xe9"}\n'
    error = refusal(write(tmp_path, "t.jsonl", content), "text")
    offset = content.index(b"\xe9")
    assert error.line == 2
    assert f"byte offset {offset}" in str(error) and "0xe9" in str(error)
    assert str(error).startswith("t.jsonl line 2: byte 0xe9 is not valid UTF-8")


def test_a_binary_file_is_refused(tmp_path):
    error = refusal(write(tmp_path, "t.jsonl", b'{"text": "a"}\n\x00\x01\x02'), "text")
    assert error.line == 2
    assert "binary file" in str(error) and "byte offset 14" in str(error)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = write(tmp_path, "t.jsonl", jsonl({"text": "x" * 100}))
    size = path.stat().st_size
    error = refusal(path, "text", max_bytes=size - 1)
    assert str(error) == f"t.jsonl: the file is {size:,} bytes; the limit is {size - 1:,} bytes"
    assert read_dataset(path, "text", max_bytes=size)[0]["text"] == "x" * 100


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(tmp_path, content):
    assert str(refusal(write(tmp_path, "t.jsonl", content), "text")) == "t.jsonl: the file is empty"


def test_a_csv_with_only_a_header_has_no_rows(tmp_path):
    path = write(tmp_path, "p.csv", "sent_more,sent_less,stereo_antistereo,bias_type\n")
    assert str(refusal(path, "bias_pairs")) == "p.csv: the file has no rows"


@pytest.mark.parametrize("name, kind, message", [
    ("data.xlsx", "text", "data.xlsx: unsupported file type ('.xlsx'); use one of .csv, .json, .jsonl, .ndjson, .txt"),
    ("data", "text", "data: unsupported file type (no extension); use one of .csv, .json, .jsonl, .ndjson, .txt"),
    ("data.csv", "codegen", "data.csv: a codegen dataset must be .jsonl, not .csv"),
    ("data.txt", "bias_pairs", "data.txt: a bias_pairs dataset must be .csv or .jsonl, not .txt"),
])
def test_an_extension_the_kind_does_not_accept_is_refused(tmp_path, name, kind, message):
    assert str(refusal(write(tmp_path, name, "a,b\n"), kind)) == message


def test_the_display_name_decides_the_format_and_names_the_file(tmp_path):
    path = write(tmp_path, "upload-tmp.bin", jsonl({"prompt": "a"}))
    assert read_dataset(path, "prompts", display_name="prompts.jsonl") == [{"id": "1", "prompt": "a"}]


def test_a_csv_missing_a_column_names_it(tmp_path):
    error = refusal(write(tmp_path, "p.csv", "sent_more,sent_less,bias_type\nA,B,age\n"), "bias_pairs")
    assert (error.line, error.field) == (1, "stereo_antistereo")
    assert str(error).startswith("p.csv line 1: the CSV header has no column 'stereo_antistereo'")


def test_a_csv_error_names_the_physical_line_where_the_record_starts(tmp_path):
    path = write(tmp_path, "p.csv", 'sent_more,sent_less,stereo_antistereo,bias_type\n'
                                    '"multi\nline",B,stereo,age\n'
                                    'A,B,sometimes,age\n')
    error = refusal(path, "bias_pairs")
    assert (error.line, error.field) == (4, "stereo_antistereo")
    assert str(error) == ("p.csv line 4: field 'stereo_antistereo' must be \"stereo\" or \"antistereo\", "
                          "got 'sometimes'")


def test_a_csv_row_with_the_wrong_number_of_cells_is_refused(tmp_path):
    path = write(tmp_path, "p.csv", "sent_more,sent_less,stereo_antistereo,bias_type\nA,B,stereo\n")
    assert str(refusal(path, "bias_pairs")) == "p.csv line 2: expected 4 columns like the header, got 3"


def test_an_empty_csv_cell_is_a_missing_value(tmp_path):
    path = write(tmp_path, "p.csv", "sent_more,sent_less,stereo_antistereo,bias_type\nA,,stereo,age\n")
    error = refusal(path, "bias_pairs")
    assert (error.line, error.field, error.reason) == (2, "sent_less", "field 'sent_less' must not be empty")


def test_an_unknown_kind_is_refused(tmp_path):
    assert "unknown dataset kind 'images'" in str(refusal(write(tmp_path, "a.jsonl", "{}"), "images"))
