"""Evidence offsets point at the quoted text; documents are read from text, Markdown, HTML and PDF."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from evaluators.transparency.passages import split
from glassbox.accounts.services import grant_role
from glassbox.transparency import services
from glassbox.transparency.extraction import ExtractionError, extract

pytestmark = pytest.mark.django_db
TEXT = ("# Model card\n\nThe model has 7 billion parameters.\n\n"
        "Training used 1.4 trillion tokens from the web, books and code.\n\nTraining used 64 TPUs.\n")


@pytest.fixture
def audit():
    checklist = services.load_builtin_checklists()[1]
    return services.create_audit(checklist=checklist, developer="Acme", name="Acme-7B")


def test_a_quote_is_stored_with_offsets_that_point_at_it(audit):
    rater = User.objects.create_user("ada")
    document = services.add_text_document(audit, title="card.md", text=TEXT, file_format="md")
    quote = "1.4 trillion tokens"
    entry = services.record_score(audit, audit.checklist.indicators.get(position=1), rater=rater, score=1,
                                  document=document, quote=quote)
    assert (entry.start, entry.end) == (TEXT.index(quote), TEXT.index(quote) + len(quote))
    assert document.text[entry.start:entry.end] == quote
    # The second "Training used" is chosen by its offset, and a wrong offset is refused.
    second = TEXT.rindex("Training used")
    entry = services.record_score(audit, audit.checklist.indicators.get(position=2), rater=rater, score=1,
                                  document=document, quote="Training used", start=second)
    assert entry.start == second
    with pytest.raises(services.AuditError, match="not at offset 3"):
        services.record_score(audit, audit.checklist.indicators.get(position=2), rater=rater, score=1,
                              document=document, quote="Training used", start=3)
    with pytest.raises(services.AuditError, match="does not occur"):
        services.record_score(audit, audit.checklist.indicators.get(position=2), rater=rater, score=1,
                              document=document, quote="5 trillion tokens")


def test_the_document_page_highlights_the_evidence(audit, client):
    document = services.add_text_document(audit, title="card.md", text=TEXT + "<b>x</b>", file_format="md")
    start = TEXT.index("64 TPUs")
    url = reverse("transparency:document-detail", args=[audit.pk, document.pk])
    assert client.get(url).status_code == 404  # an unpublished audit's documents are the auditors'
    auditor = User.objects.create_user("ada")
    grant_role(auditor, "auditor")
    client.force_login(auditor)
    html = client.get(reverse("transparency:document-detail", args=[audit.pk, document.pk]),
                      {"start": start, "end": start + 7}).content.decode()
    assert '<mark id="evidence">64 TPUs</mark>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_passages_keep_offsets_into_the_original_text():
    text = "  First paragraph.\n\nSecond\nparagraph.\n\n\n" + ("Long sentence here. " * 80)
    passages = split("d", text)
    assert passages[0].text == "First paragraph." and passages[1].text == "Second\nparagraph."
    assert len(passages) > 3  # the long paragraph is cut at sentence ends
    for passage in passages:
        assert text[passage.start:passage.end] == passage.text


def _pdf(text: str) -> bytes:
    """A one-page PDF with one line of text, xref offsets computed here."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_documents_are_extracted_from_each_format():
    assert extract("a.txt", b"plain text") == ("txt", "plain text")
    assert extract("a.md", "# Title\n\ncaf\u00e9".encode()) == ("md", "# Title\n\ncaf\u00e9")
    kind, text = extract("a.html", b"<html><script>var x=1</script><h1>Card</h1><p>Data:  "
                                   b"web <b>text</b></p><p>Compute</p></html>")
    assert kind == "html" and text == "Card\n\nData: web text\n\nCompute"
    assert extract("a.pdf", _pdf("Trained on 2 trillion tokens")) == ("pdf", "Trained on 2 trillion tokens")


@pytest.mark.parametrize("name, data, message", [
    ("a.docx", b"x", "unsupported file type"), ("a.txt", b"\xff\xfe\xfa", "not UTF-8"),
    ("a.pdf", b"not a pdf", "not a readable PDF"), ("a.txt", b"   ", "no text found")])
def test_unreadable_documents_are_refused(name, data, message):
    with pytest.raises(ExtractionError, match=message):
        extract(name, data)


def test_a_registered_model_gets_a_glassbox_model_card(client):
    from glassbox.registry.models import Model

    model = Model.objects.create(name="Tiny", slug="tiny", source_kind="local", source="/models/tiny",
                                 architecture="LlamaForCausalLM", parameter_count=12345, license="MIT")
    checklist = services.load_builtin_checklists()[2]
    auditor = User.objects.create_user("ada")
    grant_role(auditor, "auditor")
    client.force_login(auditor)
    client.post(reverse("transparency:audit-create"), {"checklist": checklist.pk, "developer": "Glassbox",
                                                       "name": "Tiny", "model": model.pk})
    audit = checklist.audits.get()
    assert audit.subject.model == model
    client.post(reverse("transparency:model-card", args=[audit.pk]))
    card = audit.documents.get()
    assert card.file_format == "card" and card.text.startswith("# Tiny")
    assert "Parameters: 12345." in card.text and "License: MIT." in card.text
