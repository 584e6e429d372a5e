"""The error a SOQL query answers with, shaped like Salesforce's."""

from __future__ import annotations

NO_COLUMN = (
    "No such column '{field}' on entity '{entity}'. If you are attempting to use a custom field, be sure to "
    "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)
NO_RELATIONSHIP = (
    "Didn't understand relationship '{name}' in field path. If you are attempting to use a custom "
    "relationship, be sure to append the '__r' after the custom relationship name. Please reference your "
    "WSDL or the describe call for the appropriate names."
)
NO_OBJECT = (
    "sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to "
    "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)
# Salesforce echoes at most this much of a long statement line around the error position.
_WINDOW = 100


class SoqlError(Exception):
    """A query Salesforce would refuse: `error_code` and `message` go to the client as they are."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.message = message


def located(error_code: str, text: str, pos: int, detail: str) -> SoqlError:
    """An error whose message repeats the statement line, a caret under `pos` and the row and column."""
    pos = max(0, min(pos, len(text)))
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    row = text.count("\n", 0, pos) + 1
    column = pos - line_start + 1
    start = max(line_start, pos - _WINDOW) if line_end - line_start > 2 * _WINDOW else line_start
    end = min(line_end, pos + _WINDOW) if line_end - line_start > 2 * _WINDOW else line_end
    caret = " " * (pos - start) + "^"
    return SoqlError(
        error_code, f"\n{text[start:end]}\n{caret}\nERROR at Row:{row}:Column:{column}\n{detail}"
    )
