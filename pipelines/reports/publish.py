"""Replace the published site directory with a freshly built one, never leaving it half-written.

The new site is copied next to the target (same file system), then two renames swap it in: the
old site moves aside, the new one takes its name, the old one is deleted. If anything fails before
the swap, the published site is untouched; a crash between the two renames leaves the old site at
``.<name>.old-*``, which the next publication restores or removes.
"""

import json
import shutil
import uuid
from pathlib import Path

from pipelines.errors import PublicationError


def published_site_fingerprint(site_dir: Path) -> str | None:
    info = site_dir / "build-info.json"
    try:
        return json.loads(info.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError):
        return None


def _recover(site_dir: Path) -> None:
    leftovers = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"))
    if not site_dir.exists() and leftovers:
        leftovers[-1].rename(site_dir)
        leftovers = leftovers[:-1]
    for old in leftovers:
        shutil.rmtree(old, ignore_errors=True)
    for new in site_dir.parent.glob(f".{site_dir.name}.new-*"):
        shutil.rmtree(new, ignore_errors=True)


def publish_site(build_dir: Path, site_dir: Path) -> None:
    if not (build_dir / "index.html").is_file():
        raise PublicationError(f"site build {build_dir} has no index.html; the published site is unchanged")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(site_dir)
    token = uuid.uuid4().hex[:12]
    staged = site_dir.parent / f".{site_dir.name}.new-{token}"
    old = site_dir.parent / f".{site_dir.name}.old-{token}"
    try:
        shutil.copytree(build_dir, staged)
    except OSError as exc:
        shutil.rmtree(staged, ignore_errors=True)
        raise PublicationError(f"could not stage the site next to {site_dir}: {exc}") from exc
    had_old = site_dir.exists()
    if had_old:
        site_dir.rename(old)
    try:
        staged.rename(site_dir)
    except OSError as exc:
        if had_old:
            old.rename(site_dir)
        shutil.rmtree(staged, ignore_errors=True)
        raise PublicationError(f"could not publish the site to {site_dir}: {exc}") from exc
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
