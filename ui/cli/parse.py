"""``speechqa parse FILE [--json]``: show how one file is parsed (no index needed)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ingest.parse import load_manifest, parse_file
from rag.config import Settings
from rag.types import Document
from ui.cli.flags import add_corpus, add_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``parse`` subcommand."""
    p = sub.add_parser("parse", help="parse one file and print its metadata and numbered paragraphs",
                       description="Parse FILE exactly as ingest would (load, clean, structure, metadata) "
                                   "and print the result. Files under the corpus directory get its manifest.")
    p.add_argument("file", type=Path, help="a .txt/.md/.docx/.pdf/.html file")
    add_json(p, "print JSON instead of a readable listing")
    add_corpus(p, "corpus directory (default from settings)")
    p.set_defaults(func=run)


def root_for(path: Path, corpus_dir: Path) -> Path:
    """The corpus directory when ``path`` lies inside it (so its manifest applies), else the file's folder."""
    path, corpus = path.resolve(), corpus_dir.resolve()
    return corpus if path.is_relative_to(corpus) else path.parent


def document_json(doc: Document) -> dict:
    """The ``--json`` shape: metadata plus paragraphs with anchors and ' › '-joined sections."""
    return {
        "doc_id": doc.doc_id, "source": doc.source, "title": doc.title, "year": doc.year,
        "date": doc.date, "speaker": doc.speaker, "region": doc.region, "doc_type": doc.doc_type,
        "paragraphs": [{"n": p.n, "anchor": p.anchor, "section": p.section_path, "text": p.text}
                       for p in doc.paragraphs],
    }


def format_listing(doc: Document) -> str:
    """A readable listing: a metadata header, then each paragraph under its section path."""
    fields = [("doc_id", doc.doc_id), ("title", doc.title), ("year", doc.year), ("date", doc.date),
              ("speaker", doc.speaker), ("occasion", doc.occasion), ("region", doc.region),
              ("doc_type", doc.doc_type), ("level", doc.level), ("paragraphs", len(doc.paragraphs))]
    lines = [f"{k:<10} {v}" for k, v in fields if v not in (None, "")]
    lines += [f"warning    {w}" for w in doc.meta.get("warnings", [])]
    section = None
    for p in doc.paragraphs:
        if p.section_path != section:
            section = p.section_path
            lines.append(f"\n== {section or '(front matter / no heading)'}")
        lines.append(f"[{p.n}] {p.text}")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``speechqa parse``; BadDocument propagates to the CLI edge."""
    root = root_for(args.file, settings.corpus_dir)
    doc = parse_file(args.file, root, load_manifest(root))
    if args.json:
        print(json.dumps(document_json(doc), ensure_ascii=False, indent=2))
    else:
        print(format_listing(doc))
    return 0
