"""Annotate a `pip freeze` of the project's environment with why each package is there.

    python tools/annotate_lock.py < frozen.txt > requirements/constraints.txt

Run by `make lock` inside the throw-away lock environment. A direct dependency keeps the reason
written next to it in pyproject.toml (read there); every other pin says which installed packages
require it (`# via dagster, great-expectations`), so a reader can tell why each exact version is in
the lock and what to re-check when bumping it.
"""

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_dependencies() -> dict[str, str]:
    """Direct dependencies of the project (runtime and dev), canonical name -> 'runtime' or 'dev'."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    out = {}
    for kind, specs in (("runtime", project["dependencies"]),
                        *((f"{extra} extra", v) for extra, v in project.get("optional-dependencies", {}).items())):
        for spec in specs:
            out[canonical(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])] = kind
    return out


def required_by() -> dict[str, set[str]]:
    """canonical name -> canonical names of the installed packages that require it."""
    out: dict[str, set[str]] = {}
    for dist in metadata.distributions():
        parent = canonical(dist.metadata["Name"])
        for req in dist.requires or []:
            extra = re.search(r"""extra\s*==\s*['"]([^'"]+)['"]""", req)
            via = f"{parent}[{extra.group(1)}]" if extra else parent  # a package pulled in by an extra
            out.setdefault(canonical(re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0]), set()).add(via)
    return out


def annotate(lines: list[str]) -> list[str]:
    direct, parents = direct_dependencies(), required_by()
    out = []
    for line in lines:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            out.append(line)
            continue
        name = canonical(line.split("==")[0])
        reasons = []
        if name in direct:
            reasons.append(f"direct ({direct[name]}; the reason is next to it in pyproject.toml)")
        found = parents.get(name, set()) - {name, "cyberstats"}
        # A plain requirement explains a pin; an extra (uvicorn[standard]) only when nothing else does.
        via = sorted(p for p in found if "[" not in p) or sorted(found)
        if via:
            reasons.append("via " + ", ".join(via))
        out.append(f"{line:<40}# {'; '.join(reasons) or 'installed alongside (no installed package requires it)'}")
    return out


if __name__ == "__main__":
    sys.stdout.write("\n".join(annotate(sys.stdin.readlines())) + "\n")
