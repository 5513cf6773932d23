"""Downloading a file from the first mirror that serves it correctly, verified before it is kept.

Each attempt streams into a temporary file in the destination folder, with a progress bar; the
file is renamed to its final name only after the MD5 of its (uncompressed) content matches the
expected one. A mirror that fails or serves a damaged file leaves nothing behind, and the next
mirror is tried.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from ..base.errors import DataError

CHUNK = 1 << 16


def content_md5(path: Path, compressed: bool | None = None) -> str:
    """MD5 of the file's content, decompressed first if it is gzip (by default: named ``.gz``)."""
    digest = hashlib.md5()
    opener = gzip.open if (path.name.endswith(".gz") if compressed is None else compressed) else open
    try:
        with opener(path, "rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: cannot read it to check its checksum ({e})") from None
    return digest.hexdigest()


def _fetch(url: str, destination: Path, timeout: float, progress: bool) -> None:
    import urllib.request  # loaded on first download, like tqdm: importing the package stays light

    from tqdm import tqdm

    with urllib.request.urlopen(url, timeout=timeout) as response, open(destination, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(
            total=total, unit="B", unit_scale=True, desc=Path(url).name, disable=not progress, leave=False
        ) as bar:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                bar.update(len(chunk))


def download(
    urls: Sequence[str],
    destination: str | os.PathLike[str],
    md5: str,
    timeout: float = 30.0,
    progress: bool = True,
    md5_of_file: bool = False,
) -> Path:
    """Fetch ``destination`` from the first of ``urls`` whose file has content MD5 ``md5`` (the MD5 of
    the file as downloaded, gzipped or not, with ``md5_of_file``, as some data sets publish it).

    Raises :class:`DataError` listing what went wrong with every mirror if none works.
    """
    import urllib.error

    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for url in urls:
        fd, tmp_name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            _fetch(url, tmp, timeout, progress)
            found = content_md5(tmp, compressed=destination.name.endswith(".gz") and not md5_of_file)
            if found != md5:
                failures.append(f"{url}: checksum mismatch (MD5 {found}, expected {md5})")
                continue
            os.replace(tmp, destination)
            return destination
        except urllib.error.HTTPError as e:
            failures.append(f"{url}: HTTP {e.code} {e.reason}")
        except (urllib.error.URLError, OSError, ValueError, DataError) as e:
            failures.append(f"{url}: {getattr(e, 'reason', None) or e}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    raise DataError(f"could not download {destination.name}:\n  " + "\n  ".join(failures))
