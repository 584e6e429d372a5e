"""Validation of one field mapping (`{participant field key: Salesforce field API name}`) for one object.

Pure: it takes the mapping's text, the event's participant fields and the cached describe, and returns
each problem next to its key. Errors block saving; warnings (values that may be cut) do not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from connector.describe import setup_type
from connector.mapped_objects import mapped_object
from events.field_types import SENDABLE_SETUP_TYPES, field_type
from events.fields import FieldSpec, FieldType

# A mapping is a flat object of at most one entry per participant field: these bounds are far above any
# real one and are checked on the text before it is parsed (a deep nesting would exhaust the parser's
# recursion, tens of thousands of keys would cost seconds of checks).
MAX_MAPPING_CHARACTERS = 20_000
MAX_MAPPING_KEYS = 300


@dataclass(frozen=True)
class Problem:
    message: str
    key: str = ""
    line: int | None = None
    column: int | None = None


@dataclass
class MappingReport:
    object_name: str
    mapping: dict[str, str] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error(self, key: str, message: str, line: int | None = None) -> None:
        self.errors.append(Problem(message, key, line))

    def warn(self, key: str, message: str, line: int | None = None) -> None:
        self.warnings.append(Problem(message, key, line))


def mapping_parse(text: str, report: MappingReport) -> dict[str, str] | None:
    """The mapping as a dict of strings, or None after recording why not (with line and column)."""
    if not text.strip():
        return {}
    if len(text) > MAX_MAPPING_CHARACTERS:
        message = f"Too long: a mapping has at most {MAX_MAPPING_CHARACTERS:,} characters."
        report.errors.append(Problem(message))
        return None
    if _nesting(text) > 1:
        report.errors.append(Problem('Expected a flat JSON object such as {"job_title": "Title"}.', "", 1, 1))
        return None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        report.errors.append(Problem(f"Not valid JSON: {exc.msg}", "", exc.lineno, exc.colno))
        return None
    if not isinstance(data, dict):
        report.errors.append(Problem('Expected a JSON object such as {"job_title": "Title"}.', "", 1, 1))
        return None
    if len(data) > MAX_MAPPING_KEYS:
        report.errors.append(Problem(f"Too many keys: a mapping has at most {MAX_MAPPING_KEYS}."))
        return None
    mapping: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            report.error(
                key, "The value must be a Salesforce field API name (a string).", _line_of(text, key)
            )
            continue
        mapping[key] = value.strip()
    return mapping


def _nesting(text: str) -> int:
    """How deep brackets nest outside JSON strings (1 for a flat object), in one pass."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _line_of(text: str, key: str) -> int | None:
    match = re.search(re.escape(json.dumps(key)) + r"\s*:", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _a(kind: str) -> str:
    """The article people expect before a Salesforce type's name: "an Email field", "a URL field"."""
    return f"an {kind}" if kind[:1] in "AEIO" else f"a {kind}"


def _max_length(spec: FieldSpec) -> int | None:
    """Longest value the participant field can produce; None when unbounded. A built-in field's is its
    column's length."""
    return spec.max_length if spec.built_in else field_type(spec.type).longest_sent(spec)


def target_refusal(spec: FieldSpec, target: dict[str, Any], object_name: str, data_update: bool) -> str:
    """Why the participant field cannot go into this Salesforce field ("" when it can): the one rule the
    live check and the visual editor's choices share."""
    name, obj = target["name"], object_name
    kind = setup_type(target, obj)
    allowed = field_type(spec.type).salesforce_types
    if kind not in allowed:
        if kind in SENDABLE_SETUP_TYPES:
            wanted = " or ".join(allowed)
            label = FieldType(spec.type).label
            return f"{label} participant fields go into {wanted} fields; {name} is {_a(kind)} field."
        return f"{name} is {_a(kind)} field: the connector cannot write {kind} fields."
    if not target.get("createable"):
        return f"{obj}.{name} is not createable (read-only for the connected user)."
    if not target.get("updateable") and (mapped_object(obj).always_updated or data_update):
        return f"{obj}.{name} is not updateable: existing records could not receive it."
    return ""


def protected_targets(object_name: str) -> frozenset[str]:
    """Lower-cased Salesforce fields the connector always sets itself on this object: never a target."""
    mapped = mapped_object(object_name)
    return frozenset(name.lower() for name in (*mapped.default_fields.values(), *mapped.reserved_targets))


def is_sendable(spec: FieldSpec) -> bool:
    """Whether some Salesforce field could take this participant field's values."""
    return bool(field_type(spec.type).salesforce_types)


def _check_pair(
    report: MappingReport, spec: FieldSpec, target: dict[str, Any], line: int | None, data_update: bool
) -> None:
    key, name = spec.key, target["name"]
    refusal = target_refusal(spec, target, report.object_name, data_update)
    if refusal:
        report.error(key, refusal, line)
        return
    kind = setup_type(target, report.object_name)
    length = target.get("length") or 0
    longest = _max_length(spec)
    if kind == "Text" and length and (longest is None or longest > length):
        report.warn(key, f"Values longer than {length} characters will be cut to fit {name}.", line)


def mapping_validate(
    *,
    object_name: str,
    text: str,
    fields: list[FieldSpec],
    describe: dict[str, dict[str, Any]] | None,
    data_update: bool = True,
) -> MappingReport:
    """Every problem of one mapping. `describe` None means not fetched yet: Salesforce checks are skipped."""
    report = MappingReport(object_name)
    mapping = mapping_parse(text, report)
    if mapping is None:
        return report
    report.mapping = mapping
    specs = {spec.key: spec for spec in fields}
    by_lower = {name.lower(): f for name, f in (describe or {}).items()}
    defaults = mapped_object(object_name).default_fields
    protected = protected_targets(object_name)
    seen_targets: dict[str, str] = {}
    for key, target_name in mapping.items():
        line = _line_of(text, key)
        spec = specs.get(key)
        if spec is None:
            report.error(key, f"Unknown participant field “{key}”.", line)
            continue
        if key in defaults:
            report.error(
                key, f"“{key}” is always sent as {object_name}.{defaults[key]}; it cannot be remapped.", line
            )
            continue
        if target_name.lower() in protected:
            report.error(
                key, f"{object_name}.{target_name} is always set by the connector; map another field.", line
            )
            continue
        if target_name.lower() in seen_targets:
            report.error(
                key, f"{target_name} is already mapped from “{seen_targets[target_name.lower()]}”.", line
            )
            continue
        seen_targets[target_name.lower()] = key
        if not is_sendable(spec):
            kind_label = _a(FieldType(spec.type).label)
            message = f"“{key}” is {kind_label} participant field: it cannot be sent to Salesforce."
            report.error(key, message, line)
            continue
        if describe is None:
            continue
        target = by_lower.get(target_name.lower())
        if target is None:
            report.error(key, f"No field {target_name} on {object_name} in Salesforce.", line)
            continue
        _check_pair(report, spec, target, line, data_update)
    return report
