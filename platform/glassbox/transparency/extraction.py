"""Plain text from uploaded documents: text and Markdown as they are, HTML without its tags,
PDF through pypdf."""
from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "table"}


class ExtractionError(ValueError):
    """The file cannot be read as a document; the message says why."""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def extract(name: str, data: bytes) -> tuple[str, str]:
    """Return (format, text) of an uploaded file, chosen by its name's suffix."""
    kind = FORMATS.get(Path(name).suffix.lower())
    if kind is None:
        raise ExtractionError(f"{name}: unsupported file type; use {', '.join(sorted(FORMATS))}")
    if kind == "pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as error:  # an uploaded PDF can break the parser in many ways; all mean "unreadable"
            raise ExtractionError(f"{name}: not a readable PDF ({error})") from None
        text = _tidy(text)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ExtractionError(f"{name}: not UTF-8 text (byte {error.start})") from None
        if kind == "html":
            parser = _Text()
            parser.feed(text)
            text = _tidy("".join(parser.parts))
    # PostgreSQL's text columns cannot hold NUL: a text file with one is binary, and a PDF's
    # extracted text loses them (they carry no words).
    if kind != "pdf" and "\x00" in text:
        raise ExtractionError(f"{name}: this looks like a binary file, not text (NUL at character "
                              f"{text.index(chr(0))})")
    text = text.replace("\x00", "")
    if not text.strip():
        raise ExtractionError(f"{name}: no text found")
    return kind, text
