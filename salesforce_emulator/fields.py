"""Describe field entries with every key real Salesforce returns, and the Setup field types of an org file."""

from __future__ import annotations

from typing import Any

_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "time": "xsd:time",
    "location": "urn:location",
}
_TEXT_TYPES = {
    "string",
    "textarea",
    "email",
    "phone",
    "url",
    "picklist",
    "multipicklist",
    "encryptedstring",
    "combobox",
}


def field(name: str, type_: str, *, label: str | None = None, **overrides: Any) -> dict[str, Any]:
    """One describe field entry; `overrides` use describe's own key names."""
    length = overrides.get("length", 18 if type_ in ("id", "reference") else 0)  # as real describes say
    entry: dict[str, Any] = {
        "aggregatable": type_ not in ("textarea", "boolean", "multipicklist", "location", "encryptedstring"),
        "aiPredictionField": False,
        "autoNumber": False,
        "byteLength": 18 if type_ in ("id", "reference") else length * 3 if type_ in _TEXT_TYPES else 0,
        "calculated": False,
        "calculatedFormula": None,
        "cascadeDelete": False,
        "caseSensitive": False,
        "compoundFieldName": None,
        "controllerName": None,
        "createable": True,
        "custom": name.endswith(("__c", "__s")),
        "defaultValue": None,
        "defaultValueFormula": None,
        "defaultedOnCreate": False,
        "dependentPicklist": False,
        "deprecatedAndHidden": False,
        "digits": 0,
        "displayLocationInDecimal": False,
        "encrypted": False,
        "externalId": False,
        "extraTypeInfo": None,
        "filterable": type_ not in ("textarea", "location") or length <= 255,
        "filteredLookupInfo": None,
        "formulaTreatNullNumberAsZero": False,
        "groupable": type_
        not in (
            "textarea",
            "double",
            "currency",
            "percent",
            "datetime",
            "location",
            "multipicklist",
            "encryptedstring",
        ),
        "highScaleNumber": False,
        "htmlFormatted": False,
        "idLookup": type_ == "id",
        "inlineHelpText": None,
        "label": label or _label_from(name),
        "length": length,
        "mask": None,
        "maskType": None,
        "name": name,
        "nameField": False,
        "namePointing": False,
        "nillable": True,
        "permissionable": name.endswith("__c"),
        "picklistValues": [],
        "polymorphicForeignKey": False,
        "precision": 0,
        "queryByDistance": False,
        "referenceTargetField": None,
        "referenceTo": [],
        "relationshipName": None,
        "relationshipOrder": None,
        "restrictedDelete": False,
        "restrictedPicklist": False,
        "scale": 0,
        "searchPrefilterable": type_ == "reference",
        "soapType": _SOAP_TYPES.get(type_, "xsd:string"),
        "sortable": type_ not in ("textarea", "multipicklist", "location") or length <= 255,
        "type": type_,
        "unique": False,
        "updateable": True,
        "writeRequiresMasterRead": False,
    }
    unknown = set(overrides) - set(entry)
    if unknown:
        raise ValueError(f"unknown describe keys for {name}: {sorted(unknown)}")
    entry.update(overrides)
    if type_ == "boolean":
        entry.update(nillable=False, defaultedOnCreate=True, defaultValue=entry["defaultValue"] or False)
    return entry


def read_only(name: str, type_: str, **overrides: Any) -> dict[str, Any]:
    return field(name, type_, createable=False, updateable=False, **overrides)


def picklist_values(values: list[str], default: str | None = None) -> list[dict[str, Any]]:
    return [
        {"active": True, "defaultValue": value == default, "label": value, "validFor": None, "value": value}
        for value in values
    ]


def _label_from(name: str) -> str:
    base = name.removesuffix("__c").removesuffix("__s").replace("_", " ")
    return base[:-2].strip() if base.endswith("Id") and len(base) > 2 else base


def custom_fields(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The describe entries for one custom field of an org file, e.g. {"name": "Diet__c", "type": "Text"}."""
    name, setup_type = spec["name"], spec["type"]
    label = spec.get("label")
    common: dict[str, Any] = {"label": label} if label else {}
    if spec.get("external_id"):
        common.update(externalId=True, idLookup=True)
    if spec.get("required"):
        common["nillable"] = False
    if spec.get("help"):
        common["inlineHelpText"] = spec["help"]
    builder = _SETUP_TYPES.get(setup_type)
    if builder is None:
        raise ValueError(f"unknown Setup field type {setup_type!r} for {name}")
    return builder(name, spec, common)


def _text(name: str, spec: dict, common: dict) -> list[dict]:
    return [field(name, "string", length=spec.get("length", 255), **common)]


def _textarea(name: str, spec: dict, common: dict) -> list[dict]:
    return [field(name, "textarea", length=255, extraTypeInfo="plaintextarea", **common)]


def _long_textarea(name: str, spec: dict, common: dict) -> list[dict]:
    return [
        field(
            name,
            "textarea",
            length=spec.get("length", 32768),
            extraTypeInfo="plaintextarea",
            filterable=False,
            sortable=False,
            groupable=False,
            **common,
        )
    ]


def _rich_textarea(name: str, spec: dict, common: dict) -> list[dict]:
    return [
        field(
            name,
            "textarea",
            length=spec.get("length", 32768),
            extraTypeInfo="richtextarea",
            htmlFormatted=True,
            filterable=False,
            sortable=False,
            groupable=False,
            **common,
        )
    ]


def _fixed(type_: str, length: int) -> Any:
    return lambda name, spec, common: [field(name, type_, length=length, **common)]


def _picklist(type_: str) -> Any:
    def build(name: str, spec: dict, common: dict) -> list[dict]:
        values = picklist_values(spec.get("values", []), spec.get("default"))
        return [
            field(
                name,
                type_,
                length=4099 if type_ == "multipicklist" else 255,
                picklistValues=values,
                restrictedPicklist=spec.get("restricted", False),
                **common,
            )
        ]

    return build


def _number(type_: str) -> Any:
    def build(name: str, spec: dict, common: dict) -> list[dict]:
        return [field(name, type_, precision=spec.get("precision", 18), scale=spec.get("scale", 0), **common)]

    return build


def _checkbox(name: str, spec: dict, common: dict) -> list[dict]:
    return [field(name, "boolean", defaultValue=bool(spec.get("default", False)), **common)]


def _auto_number(name: str, spec: dict, common: dict) -> list[dict]:
    return [
        field(
            name,
            "string",
            length=30,
            autoNumber=True,
            createable=False,
            updateable=False,
            nillable=False,
            defaultedOnCreate=True,
            **common,
        )
    ]


def _formula(name: str, spec: dict, common: dict) -> list[dict]:
    return_type = spec.get("return_type", "string")
    return [
        field(
            name,
            return_type,
            length=1300 if return_type == "string" else 0,
            calculated=True,
            calculatedFormula=spec.get("formula", "1"),
            createable=False,
            updateable=False,
            **common,
        )
    ]


def _rollup(name: str, spec: dict, common: dict) -> list[dict]:
    return [
        field(
            name,
            spec.get("return_type", "double"),
            calculated=True,
            createable=False,
            updateable=False,
            precision=18,
            **common,
        )
    ]


def _lookup(master_detail: bool) -> Any:
    def build(name: str, spec: dict, common: dict) -> list[dict]:
        extra = (
            {
                "nillable": False,
                "cascadeDelete": True,
                "updateable": spec.get("reparentable", False),
                "writeRequiresMasterRead": False,
                "relationshipOrder": 0,
            }
            if master_detail
            else {}
        )
        return [
            field(
                name,
                "reference",
                referenceTo=[spec["reference_to"]],
                relationshipName=name.removesuffix("__c") + "__r",
                **extra,
                **common,
            )
        ]

    return build


def _geolocation(name: str, spec: dict, common: dict) -> list[dict]:
    base = name.removesuffix("__c")
    scale = spec.get("scale", 6)
    compound = field(name, "location", createable=False, updateable=False, **common)
    parts = [
        field(
            f"{base}__{axis}__s",
            "double",
            precision=3 + scale,
            scale=scale,
            compoundFieldName=name,
            label=f"{compound['label']} ({axis})",
        )
        for axis in ("Latitude", "Longitude")
    ]
    return [compound, *parts]


def _encrypted(name: str, spec: dict, common: dict) -> list[dict]:
    return [
        field(
            name,
            "encryptedstring",
            length=spec.get("length", 175),
            encrypted=True,
            mask=spec.get("mask", "X"),
            maskType=spec.get("mask_type", "all"),
            filterable=False,
            sortable=False,
            groupable=False,
            **common,
        )
    ]


_SETUP_TYPES: dict[str, Any] = {
    "Text": _text,
    "Text Area": _textarea,
    "Text Area (Long)": _long_textarea,
    "Text Area (Rich)": _rich_textarea,
    "Email": _fixed("email", 80),
    "Phone": _fixed("phone", 40),
    "URL": _fixed("url", 255),
    "Picklist": _picklist("picklist"),
    "Picklist (Multi-Select)": _picklist("multipicklist"),
    "Number": _number("double"),
    "Currency": _number("currency"),
    "Percent": _number("percent"),
    "Date": _fixed("date", 0),
    "Date/Time": _fixed("datetime", 0),
    "Time": _fixed("time", 0),
    "Checkbox": _checkbox,
    "Auto Number": _auto_number,
    "Formula": _formula,
    "Roll-Up Summary": _rollup,
    "Lookup": _lookup(master_detail=False),
    "Master-Detail": _lookup(master_detail=True),
    "Geolocation": _geolocation,
    "Text (Encrypted)": _encrypted,
}
SETUP_TYPES = tuple(_SETUP_TYPES)
