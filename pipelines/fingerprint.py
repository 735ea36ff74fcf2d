"""What a publication is a function of: input bytes, code, and the options that change numbers.

A re-run whose fingerprint equals the published one changes nothing: the published warehouse and
site are left byte-for-byte as they are.
"""

import hashlib
from collections.abc import Iterator, Mapping
from importlib import metadata, resources
from importlib.resources.abc import Traversable

from pipelines.settings import Settings

#: The packages a publication is a function of: the code and SQL (pipelines) and the report's templates,
#: styles and map topology (dashboards). Every file in them counts, as installed: in a checkout the
#: source folders, in an installed wheel its files (pyproject.toml packages exactly these; tested).
CODE_PACKAGES = ("pipelines", "dashboards")


def _skipped(name: str) -> bool:
    """Bytecode caches and hidden files (editor and OS droppings) are not part of the code."""
    return name == "__pycache__" or name.startswith(".") or name.endswith((".pyc", ".pyo"))


def _walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda child: child.name):
        if _skipped(item.name):
            continue
        relpath = f"{prefix}/{item.name}"
        if item.is_dir():
            yield from _walk(item, relpath)
        elif item.is_file():
            yield relpath, item


def code_files(packages: Mapping[str, Traversable] | None = None) -> list[tuple[str, Traversable]]:
    """``(package-relative path, file)`` of every file of the code packages, in a fixed order.

    ``packages`` maps a package name to its folder; default: ``importlib.resources.files`` of each of
    CODE_PACKAGES, i.e. wherever Python imports them from (checkout or site-packages).
    """
    roots = packages if packages is not None else {name: resources.files(name) for name in CODE_PACKAGES}
    return [entry for name in sorted(roots) for entry in _walk(roots[name], name)]


def pipeline_version() -> str:
    try:
        return metadata.version("cyberstats")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def code_fingerprint(packages: Mapping[str, Traversable] | None = None) -> str:
    """sha256 over the path and content of every file of :func:`code_files`: any change to code, SQL,
    templates, static files, the topology or a data file inside the packages changes it."""
    digest = hashlib.sha256()
    for relpath, item in code_files(packages):
        digest.update(relpath.encode() + b"\0")
        digest.update(hashlib.sha256(item.read_bytes()).digest())
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
