"""The org's objects and fields: describe answers and the SchemaLike look-ups the SOQL engine uses."""

from __future__ import annotations

import copy
from typing import Any

from salesforce_emulator.fields import custom_fields
from salesforce_emulator.ids import KEY_PREFIXES
from salesforce_emulator.standard_objects import STANDARD_OBJECTS

# Objects whose describe urls list layouts, list views, approvals and quick actions in real orgs (a global
# describe recorded at v52.0); CampaignMember lists fewer, User adds its own two.
_LIST_VIEW_OBJECTS = ("Account", "Campaign", "Contact", "Lead")


def _object_urls(name: str, base: str) -> dict[str, str]:
    urls = {"compactLayouts": f"{base}/describe/compactLayouts", "rowTemplate": f"{base}/{{ID}}"}
    if name in _LIST_VIEW_OBJECTS:
        urls["approvalLayouts"] = f"{base}/describe/approvalLayouts"
        urls["listviews"] = f"{base}/listviews"
    if name == "User":
        urls["namedLayouts"] = f"{base}/describe/namedLayouts/{{LayoutName}}"
        urls["passwordUtilities"] = f"{base}/{{ID}}/password"
    urls["describe"] = f"{base}/describe"
    if name in (*_LIST_VIEW_OBJECTS, "User"):
        urls["quickActions"] = f"{base}/quickActions"
    if name != "CampaignMemberStatus":  # not in the recording: kept to what every object has
        urls["layouts"] = f"{base}/describe/layouts"
    urls["sobject"] = base
    return urls


class Schema:
    """Standard objects plus the custom fields of an org file; every look-up is case-insensitive."""

    def __init__(self, custom: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self._objects: dict[str, dict[str, Any]] = {}
        # object -> field, each by its lower-case name and by its own: the client and the emulator's code
        # mostly write the canonical names, which then cost one dict look-up each (no lower()).
        self._fields: dict[str, dict[str, dict[str, Any]]] = {}
        self._blanks: dict[str, tuple[dict[str, Any], list[str]]] = {}
        self._required: dict[str, tuple[str, ...]] = {}
        for name, spec in STANDARD_OBJECTS.items():
            fields = copy.deepcopy(spec["fields"])
            for custom_spec in (custom or {}).get(name, []):
                fields.extend(custom_fields(custom_spec))
            self._objects[name.lower()] = {**spec, "name": name, "fields": fields}
            by_name = {f["name"].lower(): f for f in fields}
            by_name.update({f["name"]: f for f in fields})
            self._fields[name.lower()] = self._fields[name] = by_name
        for name in custom or {}:
            if name not in STANDARD_OBJECTS:
                raise ValueError(f"custom fields for an unknown object: {name}")

    # SchemaLike
    def object_name(self, name: str) -> str | None:
        spec = self._objects.get(name.lower())
        return spec["name"] if spec else None

    def field(self, object_name: str, field_name: str) -> dict[str, Any] | None:
        # Called ~10 times per record written: the exact names first, lower-casing only when they miss.
        fields = self._fields.get(object_name) or self._fields.get(object_name.lower())
        if fields is None:
            return None
        return fields.get(field_name) or fields.get(field_name.lower())

    def field_map(self, object_name: str) -> dict[str, dict[str, Any]]:
        """The object's fields by name, canonical or lower-case (the object name canonical or lower-case):
        for the checks that look up every field of a write by the name `resolve_fields` gave it."""
        return self._fields[object_name] if object_name in self._fields else self._fields[object_name.lower()]

    def known_field(self, object_name: str, field_name: str) -> dict[str, Any]:
        """`field` of a name already resolved (validation.resolve_fields): KeyError if it is not one."""
        entry = self.field(object_name, field_name)
        if entry is None:
            raise KeyError(f"{object_name}.{field_name}")
        return entry

    def relationship(self, object_name: str, relationship_name: str) -> tuple[str, str] | None:
        canonical = self.object_name(object_name)
        if canonical is None:
            return None
        for entry in self._objects[canonical.lower()]["fields"]:
            name = entry["relationshipName"]
            if entry["type"] == "reference" and name and name.lower() == relationship_name.lower():
                # A polymorphic key (Lead.OwnerId: Group or User) leads to the target this org serves.
                served = [t for t in entry["referenceTo"] if t.lower() in self._objects]
                return entry["name"], (served or entry["referenceTo"])[0]
        return None

    # Used by the server side
    def fields(self, object_name: str) -> list[dict[str, Any]]:
        return self._objects[object_name.lower()]["fields"]

    def field_names(self, object_name: str) -> list[str]:
        return [f["name"] for f in self.fields(object_name)]

    def blank(self, object_name: str) -> tuple[dict[str, Any], list[str]]:
        """A new record's field values before the client's (booleans at their default, the rest None)
        and its auto-number fields; computed once per object, since every create starts from it."""
        cached = self._blanks.get(object_name)
        if cached is None:
            fields = self.fields(object_name)
            template = {f["name"]: f["defaultValue"] if f["type"] == "boolean" else None for f in fields}
            cached = self._blanks[object_name] = (template, [f["name"] for f in fields if f["autoNumber"]])
        return cached

    def required_fields(self, object_name: str) -> tuple[str, ...]:
        """Fields a create must fill (not nillable, createable, no default), in describe order; computed once
        per object, since every write checks them."""
        cached = self._required.get(object_name)
        if cached is None:
            cached = self._required[object_name] = tuple(
                f["name"]
                for f in self.fields(object_name)
                if not f["nillable"] and f["createable"] and not f["defaultedOnCreate"]
            )
        return cached

    def describe_global(self, version: str) -> dict[str, Any]:
        return {
            "encoding": "UTF-8",
            "maxBatchSize": 200,
            "sobjects": [self._object_summary(spec, version) for spec in self._objects.values()],
        }

    def describe(self, object_name: str, version: str) -> dict[str, Any]:
        spec = self._objects[object_name.lower()]
        summary = self._object_summary(spec, version)
        name = spec["name"]
        if name in _LIST_VIEW_OBJECTS:  # the Lead describe of a real org at v59.0 (tests/emulator/recordings)
            summary["urls"].update(
                {
                    "uiDetailTemplate": "https://example.my.salesforce.com/{ID}",
                    "uiEditTemplate": "https://example.my.salesforce.com/{ID}/e",
                    "uiNewRecord": f"https://example.my.salesforce.com/{KEY_PREFIXES[name]}/e",
                }
            )
        return {
            **summary,
            "actionOverrides": [],
            "childRelationships": self._child_relationships(name),
            "compactLayoutable": True,
            "defaultImplementation": None,
            "extendedBy": None,
            "extendsInterfaces": None,
            "fields": copy.deepcopy(spec["fields"]),
            "implementedBy": None,
            "implementsInterfaces": None,
            "isInterface": False,
            "listviewable": None,
            "lookupLayoutable": None,
            "namedLayoutInfos": [],
            "networkScopeFieldName": None,
            "recordTypeInfos": [],
            "searchLayoutable": True,
            "sobjectDescribeOption": "FULL",
            "supportedScopes": [{"label": "All", "name": "everything"}],
        }

    def _object_summary(self, spec: dict[str, Any], version: str) -> dict[str, Any]:
        name = spec["name"]
        read_only = name == "User"
        base = f"/services/data/v{version}/sobjects/{name}"
        return {
            "activateable": False,
            "associateEntityType": None,
            "associateParentEntity": None,
            "createable": not read_only,
            "custom": False,
            "customSetting": False,
            "deepCloneable": False,
            "deletable": not read_only,
            "deprecatedAndHidden": False,
            "feedEnabled": False,
            "hasSubtypes": False,
            "isInterface": False,
            "isSubtype": False,
            "keyPrefix": KEY_PREFIXES[name],
            "label": spec["label"],
            "labelPlural": spec["labelPlural"],
            "layoutable": True,
            "mergeable": name in ("Account", "Contact", "Lead"),
            "mruEnabled": True,
            "name": name,
            "queryable": True,
            "replicateable": True,
            "retrieveable": True,
            "searchable": name != "CampaignMemberStatus",
            "triggerable": True,
            "undeletable": not read_only,
            "updateable": not read_only,
            "urls": _object_urls(name, base),
        }

    def _child_relationships(self, parent: str) -> list[dict[str, Any]]:
        children = []
        for spec in self._objects.values():
            for entry in spec["fields"]:
                if entry["type"] == "reference" and parent in entry["referenceTo"]:
                    children.append(
                        {
                            "cascadeDelete": entry["cascadeDelete"],
                            "childSObject": spec["name"],
                            "deprecatedAndHidden": False,
                            "field": entry["name"],
                            "junctionIdListNames": [],
                            "junctionReferenceTo": [],
                            "relationshipName": None,
                            "restrictedDelete": False,
                        }
                    )
        return children
