from __future__ import annotations

from typing import Any

from django.db import models


class GramsField(models.TextField):
    """The 1- and 2-character grams of a service's search text.

    In Python always a space-separated string. On PostgreSQL stored as ``text[]`` with a GIN index
    (``@>`` finds the rows containing every gram of a query word, with column statistics the planner
    can use); elsewhere stored as that plain string.
    """

    def get_internal_type(self) -> str:
        # Not a built-in type, so PostgreSQL's bulk insert does not UNNEST it as a plain text column.
        return "GramsField"

    def db_type(self, connection: Any) -> str | None:
        return "text[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, list):
            return " ".join(value)
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "postgresql" and isinstance(value, str):
            return value.split()
        return value


class CodePointTextField(models.TextField):
    """Text compared and ordered by code point: collation "C" on PostgreSQL (SQLite's default already is).

    Normalized kana then sort in 五十音順, and a plain b-tree index serves both ``ORDER BY`` and a
    prefix ``LIKE`` (the cluster's C.UTF-8 collation would need a second, pattern_ops index).
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters
