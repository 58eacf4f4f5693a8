"""Transparency checklists and suggested indicator scores (pure Python, no Django).

`checklists` reads and writes checklists (CSV, JSON, the official FMTI files) and ships the
built-in FMTI editions; `passages` cuts documents into passages with character offsets;
`suggest` ranks passages per indicator (BM25, sentence embeddings and the exemplar `topics` model)
and suggests scores, which `calibration` turns into a probability from named features.
"""
