"""The published site folder: what it holds, and staging a new one beside it.

A site is staged by copying the rendered build next to the target (same file system), so that
swapping it in is two renames (pipelines.publication does the swap, together with the warehouse).
A folder is only ever replaced if it is empty or a previous publication of ours (it holds our
``build-info.json``): pointing ``--site-dir`` at a folder of other files is refused, never deleted.
"""

import json
import shutil
import uuid
from pathlib import Path

from pipelines.errors import PublicationError

BUILD_INFO = "build-info.json"


def site_build_info(site_dir: Path) -> dict | None:
    """The build record of a published (or rendered) site, or None if it has none we wrote."""
    try:
        info = json.loads((site_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("fingerprint") and "run_id" in info else None


def published_site_fingerprint(site_dir: Path) -> str | None:
    return (site_build_info(site_dir) or {}).get("fingerprint")


def require_replaceable(site_dir: Path) -> None:
    """Refuse to replace ``site_dir`` unless it is absent, empty, or a previous publication of ours."""
    if site_dir.is_symlink() or (site_dir.exists() and not site_dir.is_dir()):
        raise PublicationError(f"{site_dir} is not a folder; refusing to replace it with the report site")
    if not site_dir.exists() or site_build_info(site_dir) is not None:
        return
    try:
        first = next(iter(site_dir.iterdir()), None)
    except OSError as exc:
        raise PublicationError(f"cannot read {site_dir}: {exc}") from exc
    if first is not None:
        raise PublicationError(
            f"{site_dir} holds files that are not a cyberstats publication (no {BUILD_INFO} of ours, e.g. "
            f"{first.name!r}); refusing to replace it: choose an empty or new folder for --site-dir")


def stage_site(build_dir: Path, site_dir: Path) -> Path:
    """Copy a rendered site beside ``site_dir`` as ``.<name>.new-<token>``; return that folder."""
    if not (build_dir / "index.html").is_file() or site_build_info(build_dir) is None:
        raise PublicationError(f"site build {build_dir} has no index.html or {BUILD_INFO}; "
                               "the published site is unchanged")
    require_replaceable(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = site_dir.parent / f".{site_dir.name}.new-{uuid.uuid4().hex[:12]}"
    try:
        shutil.copytree(build_dir, staged)
    except OSError as exc:
        shutil.rmtree(staged, ignore_errors=True)
        raise PublicationError(f"could not stage the site next to {site_dir}: {exc}") from exc
    return staged


def old_name(site_dir: Path, token: str) -> Path:
    return site_dir.parent / f".{site_dir.name}.old-{token}"
