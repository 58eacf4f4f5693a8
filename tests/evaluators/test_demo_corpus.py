"""The demo corpus: held-out files never train the models; documents are whole source."""
from __future__ import annotations

from evaluators.demo.corpus import (demo_documents, held_out_files, read_source, split_documents,
                                    training_files)


def test_held_out_files_are_not_training_files():
    held, train = set(held_out_files()), set(training_files())
    assert held and train and not held & train
    assert 0.05 < len(held) / (len(held) + len(train)) < 0.2


def test_documents_put_back_together_are_the_files():
    for path in held_out_files():
        source = read_source(path)
        assert "".join(d["text"] for d in split_documents(source, path.name)) == source


def test_documents_start_at_top_level_statements_and_have_unique_ids():
    source = "import os\n\n\n@decorator\ndef f():\n    return 1\n" + "x = 1\n" * 400
    documents = split_documents(source, "m.py")
    assert documents[0]["id"] == "m.py:1"
    ids = [d["id"] for d in demo_documents()]
    assert len(ids) == len(set(ids))


def test_an_unparseable_file_is_one_document():
    assert split_documents("def broken(:\n", "b.py") == [{"id": "b.py:1", "text": "def broken(:\n"}]


def test_the_models_learn_from_functions_shaped_like_the_demo_tasks():
    from evaluators.demo.corpus import function_texts

    source = ('import os\n\n\n@cache\ndef first(a):\n    """Doc."""\n    def inner():\n        return a\n'
              '    return inner()\n\n\nclass Box:\n    size = 1\n\n    def area(self):\n        return self.size\n\n'
              '    async def fetch(self):\n        await os.sleep(0)\n')
    assert function_texts(source) == [
        '@cache\ndef first(a):\n    """Doc."""\n    def inner():\n        return a\n    return inner()\n',
        "def area(self):\n    return self.size\n",
        "async def fetch(self):\n    await os.sleep(0)\n",
    ]
    assert function_texts("def broken(:\n") == []
