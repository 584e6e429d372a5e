"""What the visual mapping editor offers: per participant field, the Salesforce fields it may go into.

Pure, like mapping_validation, and built on its rules (`target_refusal`, `protected_targets`), so the editor
never offers a pair the live check would refuse. The editor's JavaScript only shows these choices.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from connector.describe import setup_type
from connector.mapped_objects import mapped_object
from connector.mapping_validation import is_sendable, protected_targets, target_refusal
from events.fields import FieldSpec, FieldType


@dataclass(frozen=True)
class TargetChoice:
    name: str
    label: str
    type: str
    length: int | None = None


@dataclass(frozen=True)
class FieldChoice:
    key: str
    label: str
    type: str
    targets: list[TargetChoice] = field(default_factory=list)


def mapping_choices(
    *,
    object_name: str,
    fields: list[FieldSpec],
    describe: dict[str, dict[str, Any]],
    data_update: bool = True,
) -> list[FieldChoice]:
    """The participant fields a mapping of this object may hold, each with its compatible Salesforce fields
    (sorted by label). Fields always sent or that cannot be sent are left out: no row could hold them."""
    protected = protected_targets(object_name)
    defaults = mapped_object(object_name).default_fields
    candidates = sorted(
        (f for f in describe.values() if f["name"].lower() not in protected),
        key=lambda f: ((f.get("label") or f["name"]).lower(), f["name"]),
    )
    return [
        FieldChoice(
            key=spec.key,
            label=spec.label,
            type=FieldType(spec.type).label,
            targets=[
                _target(f, object_name)
                for f in candidates
                if not target_refusal(spec, f, object_name, data_update)
            ],
        )
        for spec in fields
        if spec.key not in defaults and is_sendable(spec)
    ]


def _target(describe_field: dict[str, Any], object_name: str) -> TargetChoice:
    kind = setup_type(describe_field, object_name)
    length = describe_field.get("length") if kind == "Text" else None
    return TargetChoice(describe_field["name"], describe_field.get("label") or "", kind, length or None)


def mapping_choices_data(
    *,
    object_name: str,
    fields: list[FieldSpec],
    describe: dict[str, dict[str, Any]] | None,
    data_update: bool,
) -> dict[str, Any]:
    """One editor's choices as plain data for the page's JSON block; `loaded` False without a describe."""
    choices = mapping_choices(
        object_name=object_name, fields=fields, describe=describe or {}, data_update=data_update
    )
    return {"loaded": describe is not None, "fields": [asdict(choice) for choice in choices]}
