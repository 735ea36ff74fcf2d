"""The package's layering, enforced on the source (every import, also those inside functions):

* only ``pipelines/definitions.py`` imports the Dagster wiring in ``pipelines/assets/``;
* ``pipelines/harmonise/`` never imports ``pipelines/indicators/`` (harmonising comes first);
* the plain logic (harmonise, indicators, sources, quality, reports, contracts) never imports Dagster;
* ``pipelines/reports/`` reads marts only (and the quality and meta tables of a publication), never the
  raw, staging or intermediate layers.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pipelines"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def test_only_the_definitions_import_the_wiring() -> None:
    offenders = [_rel(p) for p in modules() if "assets" not in p.relative_to(PACKAGE).parts
                 and p.name != "definitions.py" and any(m.startswith("pipelines.assets") for m in imports(p))]
    assert offenders == []


def test_harmonise_never_imports_indicators() -> None:
    offenders = [_rel(p) for p in modules("harmonise") if any(m.startswith("pipelines.indicators") for m in imports(p))]
    assert offenders == []


@pytest.mark.parametrize("folder", ["harmonise", "indicators", "sources", "quality", "reports", "contracts"])
def test_plain_logic_does_not_import_dagster(folder: str) -> None:
    offenders = [_rel(p) for p in modules(folder) if any(m == "dagster" or m.startswith("dagster.")
                                                          for m in imports(p))]
    assert offenders == []


LAYER_REFERENCE = re.compile(r"\b(raw|staging|intermediate)\.([a-z_][a-z0-9_]*)\b")


def test_reports_read_marts_only() -> None:
    offenders = []
    for path in modules("reports"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for schema, table in LAYER_REFERENCE.findall(node.value):
                    if re.search(rf"\b(FROM|JOIN)\s+{schema}\.{table}\b", node.value, re.I) or \
                            re.search(rf"['\"]{schema}['\"]", node.value):
                        offenders.append(f"{_rel(path)}: {schema}.{table}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "read_table", "table_exists", "read") and node.args and isinstance(node.args[0], ast.Constant) \
                    and node.args[0].value in ("raw", "staging", "intermediate"):
                offenders.append(f"{_rel(path)}:{node.lineno}: reads {node.args[0].value}")
    assert offenders == []


def test_the_layering_test_sees_a_violation(tmp_path: Path) -> None:
    """The checks above would fail on a violating module (they are not vacuous)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f(con):\n    from pipelines.assets.raw import RAW_ASSETS\n"
                   "    return con.execute('SELECT * FROM staging.observations')\n", encoding="utf-8")
    assert "pipelines.assets.raw" in imports(bad)
    assert LAYER_REFERENCE.search("SELECT * FROM staging.observations")
