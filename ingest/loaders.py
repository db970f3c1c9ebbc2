"""Read a source file into plain text: txt/md (encoding detected), docx, pdf, html.

Every failure is a ``BadDocument`` naming the file, the reason and what to do.
Recoverable oddities (mixed encodings, replaced bytes) are reported as
``LoaderWarning`` so callers can record them without failing the file.
"""
from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path

from rag.errors import BadDocument
from rag.text.sentences import PARAGRAPH_END

# 20 MiB of Chinese text is about the whole 224-document corpus (~20k chunks): beyond that one file
# would dominate the index, the BM25 rebuild peaks at gigabytes and embedding takes hours.
MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED = sorted(TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"})
# Share of undecodable bytes / control characters above which a file is not text.
MAX_BAD_RATIO = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class LoaderWarning(UserWarning):
    """A file was read, but not cleanly (mixed encodings, replaced bytes)."""


def load_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Return the text of ``path``; paragraphs end with newlines.

    Supports .txt/.md (UTF-8, UTF-8 BOM, GB18030/GBK, per-line fallback for
    mixed files), .docx (paragraphs and table cells in order), .pdf (text layer)
    and .html/.htm (main text). Raises ``BadDocument`` when the file cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise BadDocument(str(path), f"unsupported file type '{suffix or '(none)'}'",
                          f"convert it to one of {', '.join(SUPPORTED)}")
    data = _read_bytes(path, max_bytes)
    if suffix == ".docx":
        text = _docx_text(path, data)
    elif suffix == ".pdf":
        text = _pdf_text(path, data)
    elif suffix in HTML_SUFFIXES:
        text = _html_text(path, decode_bytes(data, str(path)))
    else:
        text = decode_bytes(data, str(path))
    if not text.strip():
        raise BadDocument(str(path), "no text found in the file",
                          "check that the file has content; scanned documents need OCR first")
    return text


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    if not path.is_file():
        raise BadDocument(str(path), "file not found", "check the path")
    size = path.stat().st_size
    if size > max_bytes:
        raise BadDocument(str(path), f"file is too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB)",
                          "split it into smaller files")
    if size == 0:
        raise BadDocument(str(path), "file is empty", "remove it or add the document text")
    return path.read_bytes()


def decode_bytes(data: bytes, name: str) -> str:
    """Decode text bytes: BOMs, strict UTF-8, then GB18030 per line, then charset-normalizer."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _check_text(data.decode("utf-16", errors="replace"), name)
    if b"\x00" in data:
        raise BadDocument(name, "file looks binary (contains NUL bytes), not text",
                          "give the original document (docx/pdf/html) or save it as UTF-8 text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise BadDocument(name, "file is empty", "remove it or add the document text")
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    text, failed = _decode_lines(data, name)
    if failed > MAX_BAD_RATIO * max(text.count("\n") + 1, 1):
        # Most lines are neither UTF-8 nor GB18030: some other encoding, or not text.
        text = _guess_encoding(data, name)
    elif failed:
        warnings.warn(f"{name}: {failed} lines had undecodable bytes (replaced with U+FFFD)",
                      LoaderWarning, stacklevel=2)
    return _check_text(text, name)


def _decode_lines(data: bytes, name: str) -> tuple[str, int]:
    """Decode line by line (UTF-8, else GB18030, else UTF-8 with replacement); count failures."""
    out, utf8, gbk, failed = [], 0, 0, 0
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
                gbk += 1
            except UnicodeDecodeError:
                out.append(line.decode("utf-8", errors="replace"))
                failed += 1
    if utf8 and gbk:
        warnings.warn(f"{name}: mixed encodings; decoded {utf8} lines as UTF-8 and {gbk} as GB18030",
                      LoaderWarning, stacklevel=3)
    return "\n".join(out), failed


def _guess_encoding(data: bytes, name: str) -> str:
    """charset-normalizer's best guess, when it is confident; else not text."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.chaos < 0.2:
        return str(best)
    raise BadDocument(name, "file is not readable text (mostly undecodable bytes)",
                      "save it as UTF-8 or GB18030 text, or give the original document")


def _check_text(text: str, name: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > MAX_BAD_RATIO * max(len(text), 1):
        raise BadDocument(name, "file looks binary (many control characters), not text",
                          "give the original document or save it as UTF-8 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _docx_text(path: Path, data: bytes) -> str:
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile/KeyError/lxml errors on corrupt files
        raise BadDocument(str(path), f"not a readable .docx file ({type(exc).__name__}: {exc})",
                          "open and re-save it in Word/LibreOffice as .docx") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxParagraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    """Each cell's text once (merged cells repeat in python-docx), row by row."""
    lines, seen = [], set()  # the set holds the cell elements themselves: proxies' ids get reused
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            lines.extend(p.text for p in cell.paragraphs)
    return lines


def _pdf_text(path: Path, data: bytes) -> str:
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadDocument(str(path), "PDF is password-protected", "remove the password and retry")
        pages = [page.extract_text() or "" for page in reader.pages]
    except BadDocument:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise BadDocument(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})",
                          "re-export the PDF from its source application") from exc
    if not any(p.strip() for p in pages):
        raise BadDocument(str(path), "PDF has no text layer (scanned images); OCR is needed",
                          "run OCR (e.g. ocrmypdf) on it first, then ingest the result")
    return "\n".join(reflow_pdf_lines(p) for p in pages)


def reflow_pdf_lines(page_text: str) -> str:
    """Rejoin a PDF page's hard-wrapped lines into paragraphs.

    PDF text layers break lines at the column edge. When at least three lines
    share the page's most common length (the column width), a line of that
    width that does not end a sentence continues onto the next line.
    """
    lines = [ln.strip() for ln in page_text.split("\n") if ln.strip()]
    if not lines:
        return ""
    width, count = Counter(len(ln) for ln in lines).most_common(1)[0]
    if count < 3:
        return "\n".join(lines)
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        if len(prev) >= width - 1 and prev[-1] not in PARAGRAPH_END:
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _html_text(path: Path, html: str) -> str:
    """Main text of an HTML page: trafilatura, else a bs4 block-level fallback."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_recall=True) or ""
    fallback = _bs4_text(html)
    # trafilatura drops short pages entirely; prefer the fallback when it finds far more.
    return text if len(text) >= 0.5 * len(fallback) else fallback


def _bs4_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    blocks = soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "pre"])
    lines = [b.get_text(" ", strip=True) for b in blocks if not b.find(["p", "li", "td"])]
    return "\n".join(ln for ln in lines if ln)
