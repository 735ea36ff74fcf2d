"""What a publication is a function of: input bytes, code, and the options that change numbers.

A re-run whose fingerprint equals the published one changes nothing: the published warehouse and
site are left byte-for-byte as they are.
"""

import hashlib
from importlib import metadata
from pathlib import Path

from pipelines.settings import PROJECT_ROOT, Settings

CODE_DIRS = ("pipelines", "dashboards")
CODE_SUFFIXES = {".py", ".sql", ".html", ".css", ".js", ".json", ".yml", ".yaml"}


def pipeline_version() -> str:
    try:
        return metadata.version("cyberstats")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def code_fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_fingerprint(source_files, settings: Settings) -> str:
    """Fingerprint of a build from its source files table (``relpath``, ``sha256``) + code and options."""
    return run_fingerprint(source_files.select("relpath", "sha256").rows(), settings)


def run_fingerprint(files: list[tuple[str, str]], settings: Settings, code: str | None = None) -> str:
    """Fingerprint of (relpath, sha256) inputs + code + number-changing options."""
    digest = hashlib.sha256()
    for relpath, sha in sorted(files):
        digest.update(f"{relpath}\0{sha}\n".encode())
    digest.update(f"code={code or code_fingerprint()}\n".encode())
    digest.update(f"base_year={settings.base_year}\ncoverage={settings.min_population_coverage}\n"
                  f"single_file={settings.single_file}\n".encode())
    digest.update(f"version={pipeline_version()}\n".encode())
    return digest.hexdigest()
