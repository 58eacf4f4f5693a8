"""What a perplexity run page shows: the documents, hardest first by bits per byte."""
from __future__ import annotations

import math

from ..core.pages import Column, Histogram, SampleScore, SampleTable


def bits_per_byte(record: dict) -> float:
    return record["nll"] / record["bytes"] / math.log(2)


def perplexity(record: dict) -> float:
    return math.exp(record["nll"] / record["tokens"])


BITS_PER_BYTE = Column("Bits per byte", "bits_per_byte", "number", value=bits_per_byte)

PAGE = (
    SampleTable("Documents, hardest first", (
        Column("Tokens", "tokens", "integer"),
        Column("Words", "words", "integer"),
        Column("Bytes", "bytes", "integer"),
        Column("Perplexity", "perplexity", "number", value=perplexity),
        BITS_PER_BYTE,
    ), sorts=("bits_per_byte", "tokens", "bytes"), default_sort="-bits_per_byte", page_size=50),
    Histogram("Bits per byte across documents", BITS_PER_BYTE),
)

SAMPLE_SCORE = SampleScore("bits per byte", bits_per_byte)
