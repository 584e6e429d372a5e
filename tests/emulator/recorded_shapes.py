"""Compare an emulator answer with a real org's recorded answer by shape, not by value.

Two JSON values have the same shape when their dictionaries have the same keys and their values the same
JSON types, recursively. Values legitimately differ between two orgs (Ids, names, counts, dates), so only
the paths an exchange lists as `exact` are compared by value. Exceptions, each for a stated reason:

- `null` matches any type: a field that is empty in one org holds a value in the other.
- Integers and decimals are one type, "number": Salesforce writes `300.0` and `400` in the same answer.
- Each element of a list must be shaped like one of the recorded list's elements (a Composite answer
  mixes successes and errors; records of one answer share a shape, some with a parent record and some
  with null); when none fits, the differences from the first are reported.
- Lists of named entries (describe `fields`, global `sobjects`) are matched by `name`, and only the names
  both sides have are compared: the demo org carries a subset of a real org's fields and objects, but
  every entry it does carry must be shaped like the real one.
- An empty list on either side says nothing about the shape of its elements.
"""

from __future__ import annotations

import json
import re
from typing import Any

_INDEX = re.compile(r"([^.\[]*)\[(\*|\d+|name=[^\]]+)\]")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def shape_differences(recorded: Any, actual: Any, path: str = "$") -> list[str]:
    if recorded is None or actual is None:
        return []
    if json_type(recorded) != json_type(actual):
        return [f"{path}: recorded {json_type(recorded)}, emulator {json_type(actual)}"]
    if isinstance(recorded, dict):
        return _object_differences(recorded, actual, path)
    if isinstance(recorded, list):
        return _list_differences(recorded, actual, path)
    return []


def _object_differences(recorded: dict, actual: dict, path: str) -> list[str]:
    differences = [f"{path}.{key}: missing in the emulator's answer" for key in recorded if key not in actual]
    differences += [f"{path}.{key}: not in the recorded answer" for key in actual if key not in recorded]
    for key in recorded.keys() & actual.keys():
        differences += shape_differences(recorded[key], actual[key], f"{path}.{key}")
    return differences


def _list_differences(recorded: list, actual: list, path: str) -> list[str]:
    if not recorded or not actual:
        return []
    if all(isinstance(item, dict) and "name" in item for item in recorded + actual):
        by_name = {item["name"]: item for item in recorded}
        common = [item for item in actual if item["name"] in by_name]
        differences: list[str] = []
        for item in common:
            differences += shape_differences(by_name[item["name"]], item, f"{path}[{item['name']}]")
        return differences if common else shape_differences(recorded[0], actual[0], f"{path}[0]")
    differences = []
    for index, item in enumerate(actual):
        candidates = [shape_differences(model, item, f"{path}[{index}]") for model in recorded]
        if all(candidates):
            differences += candidates[0]
    return differences


def values_at(document: Any, path: str) -> list[Any]:
    """Values at a path such as `compositeResponse[*].body[0].errorCode` (`[*]`: every element) or
    `fields[name=Email].length` (the elements named Email)."""
    values = [document]
    for part in filter(None, path.split(".")):
        match = _INDEX.fullmatch(part)
        key, index = (match.group(1), match.group(2)) if match else (part, None)
        if key:
            values = [v.get(key) for v in values if isinstance(v, dict)]
        if index == "*":
            values = [item for v in values if isinstance(v, list) for item in v]
        elif index is not None and index.startswith("name="):
            values = [i for v in values if isinstance(v, list) for i in v if i.get("name") == index[5:]]
        elif index is not None:
            values = [v[int(index)] for v in values if isinstance(v, list) and len(v) > int(index)]
    return values


def same_values(actual: list[Any], recorded: list[Any]) -> bool:
    """Equal one for one when the lists are as long; otherwise the same distinct values (an org may hold
    more or fewer records than the recorded one)."""
    if len(actual) == len(recorded):
        return actual == recorded
    return _distinct(actual) == _distinct(recorded)


def _distinct(values: list[Any]) -> set[str]:
    return {json.dumps(v, sort_keys=True) for v in values}


def renamed(document: Any, names: dict[str, str]) -> Any:
    """The recorded answer with its keys renamed to the demo org's counterparts."""
    if isinstance(document, dict):
        return {names.get(k, k): renamed(v, names) for k, v in document.items()}
    if isinstance(document, list):
        return [renamed(item, names) for item in document]
    return document
