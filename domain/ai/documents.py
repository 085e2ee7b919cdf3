"""Source text for generation: text out of PDFs (pypdf), normalized, and split into sentences."""

from __future__ import annotations

import re
import unicodedata
import warnings
from io import BytesIO

from pypdf import PdfReader

from domain.errors import Invalid

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # the PDF header may follow a little junk (readers look this far)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HYPHENATED = re.compile(r"(?<=\w)-\n(?=[a-z])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(\[]?[A-Z0-9])")


def is_pdf(head: bytes) -> bool:
    return PDF_MAGIC in head[:MAGIC_WINDOW]


def pdf_text(data: bytes, max_pages: int, field: list[str]) -> str:
    """The text of a PDF, page after page; a clear error for anything that is not a readable,
    unencrypted PDF with text in it (CPU-bound: call it in a thread)."""
    if not is_pdf(data):
        raise Invalid("The document is not a PDF.", field=field, code="NOT_A_PDF")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about every quirk of a damaged file it can still read
        try:
            reader = PdfReader(BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
            pages = len(reader.pages) if not encrypted else 0
        except Exception as error:
            raise Invalid("The PDF is damaged and cannot be read.", field=field, code="INVALID_PDF") from error
        if encrypted:
            message = "The PDF is encrypted; upload a copy without a password."
            raise Invalid(message, field=field, code="ENCRYPTED_PDF")
        if pages == 0:
            raise Invalid("The PDF has no pages.", field=field, code="INVALID_PDF")
        if pages > max_pages:
            raise Invalid(f"The PDF has more than {max_pages} pages.", field=field, code="TOO_MANY_PAGES")
        try:
            texts = [page.extract_text() or "" for page in reader.pages]
        except Exception as error:
            raise Invalid("The PDF is damaged and cannot be read.", field=field, code="INVALID_PDF") from error
    text = normalize_source("\n\n".join(texts))
    if not text:
        message = "The PDF has no text to read (scanned pages are images: run OCR on it first)."
        raise Invalid(message, field=field, code="NO_TEXT")
    return text


def normalize_source(text: str) -> str:
    """NFKC, no control characters, hyphenated line breaks joined, one space between words and a
    blank line between paragraphs: equal sources give equal text (and equal cache keys)."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    text = _HYPHENATED.sub("", text)
    paragraphs = (" ".join(paragraph.split()) for paragraph in _PARAGRAPH.split(text))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def sentences(text: str, max_chars: int = 2000) -> list[str]:
    """Sentences in order (a crude splitter: after . ! ? before a capital or digit); very long ones are cut."""
    found: list[str] = []
    for paragraph in text.split("\n\n"):
        for sentence in _SENTENCE_END.split(paragraph):
            sentence = sentence.strip()
            while len(sentence) > max_chars:
                cut = sentence.rfind(" ", 0, max_chars)
                cut = cut if cut > 0 else max_chars
                found.append(sentence[:cut].strip())
                sentence = sentence[cut:].strip()
            if sentence:
                found.append(sentence)
    return found
