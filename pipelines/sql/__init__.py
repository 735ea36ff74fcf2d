"""DuckDB SQL for the marts. File name = table name; the header documents the table and columns.

Header syntax (parsed by :func:`load`)::

    -- @table <one-paragraph description of the table and its grain>
    -- @column <name>: <description, with the unit>
"""

import re
from dataclasses import dataclass
from importlib import resources

#: The SQL files are package data (``sql/<layer>/<table>.sql``), read through importlib.resources.
SQL_DIR = resources.files(__name__)
_TABLE = re.compile(r"^--\s*@table\s+(.*)$")
_COLUMN = re.compile(r"^--\s*@column\s+(\w+):\s*(.*)$")
_CONT = re.compile(r"^--\s{2,}(.*)$")


@dataclass(frozen=True)
class SqlModel:
    layer: str
    name: str
    sql: str
    description: str
    columns: dict[str, str]


def load(layer: str, name: str) -> SqlModel:
    path = SQL_DIR / layer / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    description: list[str] = []
    columns: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if m := _TABLE.match(line):
            description.append(m.group(1).strip())
            last = "@table"
        elif m := _COLUMN.match(line):
            columns[m.group(1)] = m.group(2).strip()
            last = m.group(1)
        elif (m := _CONT.match(line)) and last:
            if last == "@table":
                description.append(m.group(1).strip())
            else:
                columns[last] += " " + m.group(1).strip()
        elif not line.startswith("--"):
            last = None
    return SqlModel(layer, name, text, " ".join(description), columns)


def models(layer: str) -> list[str]:
    return sorted(p.name.removesuffix(".sql") for p in (SQL_DIR / layer).iterdir()
                  if p.is_file() and p.name.endswith(".sql"))
