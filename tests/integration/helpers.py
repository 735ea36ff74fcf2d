"""Run the CLI in process with paths under a temporary directory."""

from pathlib import Path

from pipelines.cli import main


def run_cli(data_dir: Path, *extra: str) -> int:
    out = data_dir.parent
    return main(["run", "--data-dir", str(data_dir), "--warehouse", str(out / "wh" / "cyberstats.duckdb"),
                 "--site-dir", str(out / "site"), "--quiet", *extra])


def warehouse(data_dir: Path) -> Path:
    return data_dir.parent / "wh" / "cyberstats.duckdb"


def site(data_dir: Path) -> Path:
    return data_dir.parent / "site"
