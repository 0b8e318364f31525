"""What the store and the features' table hooks ask of the database connection: rows as
dicts, statements, the table names and a table's columns.

This is the part of sqlite-utils' ``Database`` the monitor used (``query``, ``execute``,
``table_names``, ``db[name].columns`` / ``columns_dict``), with the same behaviour. Importing
sqlite-utils (Click, dateutil, its plugin entry points) cost every command about 40 ms at
start, more than ``monitor calls --limit 50`` spends reading and printing its rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Union

__all__ = ["Database", "Table", "Column"]

Params = Union[Iterable[Any], Mapping[str, Any], None]


class Column(NamedTuple):
    """One column as ``PRAGMA table_info`` describes it."""

    cid: int
    name: str
    type: str
    notnull: bool
    default_value: Any
    is_pk: bool


class Table:
    """A table's description (its rows are read with :meth:`Database.query`)."""

    def __init__(self, db: "Database", name: str) -> None:
        self.db, self.name = db, name

    @property
    def columns(self) -> list[Column]:
        quoted = self.name.replace('"', '""')
        return [Column(*row) for row in self.db.conn.execute(f'PRAGMA table_info("{quoted}")')]

    @property
    def columns_dict(self) -> dict[str, str]:
        """Column name → its declared type."""
        return {column.name: column.type for column in self.columns}

    def exists(self) -> bool:
        return self.name in self.db.table_names()


class Database:
    """A thin wrapper of one ``sqlite3`` connection (``conn``), as sqlite-utils' was."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Params = None) -> sqlite3.Cursor:
        if parameters is not None:
            return self.conn.execute(sql, parameters)
        return self.conn.execute(sql)

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """The rows of ``sql`` as dicts (column name → value), read as they are iterated."""
        cursor = self.execute(sql, params or ())
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row))

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)
