"""Small PDFs made by hand for the tests and the benchmark: text in a standard font, an image-only page,
encrypted, damaged."""

from __future__ import annotations

import io
import textwrap

from pypdf import PdfReader, PdfWriter


def _escape(line: str) -> bytes:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def _document(contents: list[bytes]) -> bytes:
    """A PDF with one page per content stream, Helvetica as font F1, and a correct xref table."""
    count = len(contents)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, content in enumerate(contents):
        page = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>"
        )
        objects.append(page.encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_pdf(pages: list[str]) -> bytes:
    """One page per string, its text wrapped at 90 characters in 10 pt Helvetica."""
    contents = []
    for text in pages:
        lines = [line for paragraph in text.split("\n") for line in (textwrap.wrap(paragraph, 90) or [""])]
        body = (
            b"BT /F1 10 Tf 12 TL 50 750 Td " + b" ".join(b"(" + _escape(line) + b") Tj T*" for line in lines) + b" ET"
        )
        contents.append(body)
    return _document(contents)


def image_only_pdf() -> bytes:
    """A page that shows a (tiny, grey) inline image and has no text: what a scan without OCR looks like."""
    image = b"q 200 0 0 200 100 400 cm BI /W 2 /H 2 /BPC 8 /CS /G ID \x10\x80\x80\x10 EI Q"
    return _document([image])


def encrypted_pdf(pages: list[str]) -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf(pages))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_pdf() -> bytes:
    """Starts like a PDF; the rest is noise."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8
