"""The emulator's SOQL engine, as a pure function of a statement, a schema and a store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simple_salesforce.format import format_soql

from salesforce_emulator.soql import QueryResult, SoqlError, run_query


def _field(name: str, type_: str = "string", **extra: object) -> dict:
    entry = {
        "name": name,
        "type": type_,
        "referenceTo": [],
        "relationshipName": None,
        "caseSensitive": False,
        "filterable": True,
        "sortable": True,
    }
    return entry | extra


def _ref(name: str, target: str, relationship: str) -> dict:
    return _field(name, "reference", referenceTo=[target], relationshipName=relationship)


FIELDS = {
    "Lead": [
        _field("Id", "id"),
        _field("FirstName"),
        _field("LastName"),
        _field("Email", "email"),
        _field("Company"),
        _field("Description", "textarea", filterable=False, sortable=False),
        _field("IsConverted", "boolean"),
        _ref("ConvertedContactId", "Contact", "ConvertedContact"),
        _field("NumberOfEmployees", "int"),
        _field("AnnualRevenue", "currency"),
        _field("LastModifiedDate", "datetime"),
        _field("ConvertedDate", "date"),
        _field("Interests__c", "multipicklist"),
        _field("Code__c", caseSensitive=True),
        _field("Status", "picklist"),
        _field("StartTime__c", "time"),
    ],
    "Contact": [
        _field("Id", "id"),
        _field("LastName"),
        _field("Email", "email"),
        _field("LastModifiedDate", "datetime"),
    ],
    "Campaign": [_field("Id", "id"), _field("Name"), _field("IsActive", "boolean")],
    "CampaignMember": [
        _field("Id", "id"),
        _ref("CampaignId", "Campaign", "Campaign"),
        _ref("LeadId", "Lead", "Lead"),
        _ref("ContactId", "Contact", "Contact"),
        _field("Status", "picklist"),
    ],
    "CampaignMemberStatus": [
        _field("Id", "id"),
        _ref("CampaignId", "Campaign", "Campaign"),
        _field("Label"),
        _field("HasResponded", "boolean"),
        _field("IsDefault", "boolean"),
        _field("SortOrder", "int"),
    ],
}


class Schema:
    def __init__(self, fields: dict[str, list[dict]]) -> None:
        self.fields = {
            obj.lower(): {f["name"].lower(): f for f in entries} for obj, entries in fields.items()
        }
        self.names = {obj.lower(): obj for obj in fields}

    def object_name(self, name: str) -> str | None:
        return self.names.get(name.lower())

    def field(self, object_name: str, field_name: str) -> dict | None:
        return self.fields[object_name.lower()].get(field_name.lower())

    def relationship(self, object_name: str, relationship_name: str) -> tuple[str, str] | None:
        for entry in self.fields[object_name.lower()].values():
            if (entry["relationshipName"] or "").lower() == relationship_name.lower():
                return entry["name"], entry["referenceTo"][0]
        return None


class Store:
    def __init__(self, records: dict[str, list[dict]]) -> None:
        self.by_object = records
        self.by_id = {r["Id"]: r for entries in records.values() for r in entries}

    def records(self, object_name: str, include_deleted: bool = False) -> list[dict]:
        return [r for r in self.by_object.get(object_name, []) if include_deleted or not r.get("IsDeleted")]

    def get(self, record_id: str) -> dict | None:
        return self.by_id.get(record_id)


def sfid(prefix: str, n: int, suffix: str = "AAA") -> str:
    return f"{prefix}{n:012d}{suffix}"


CAMPAIGN = sfid("701", 1)
CONTACT = sfid("003", 1)
LEADS = [
    {
        "Id": sfid("00Q", 1),
        "FirstName": "Ann",
        "LastName": "Smith",
        "Email": "Ann@Example.com",
        "Company": "Acme",
        "Description": "long",
        "IsConverted": False,
        "ConvertedContactId": None,
        "NumberOfEmployees": 10,
        "AnnualRevenue": 1000.5,
        "LastModifiedDate": "2024-11-21T08:31:31.000+0000",
        "ConvertedDate": None,
        "Interests__c": "Music;Art",
        "Code__c": "AbC",
        "Status": "Open",
    },
    {
        "Id": sfid("00Q", 2),
        "FirstName": None,
        "LastName": "O'Brien",
        "Email": "o'brien@x.ie",
        "Company": "Pub",
        "Description": None,
        "IsConverted": True,
        "ConvertedContactId": CONTACT,
        "NumberOfEmployees": 3,
        "AnnualRevenue": None,
        "LastModifiedDate": "2024-01-01T00:00:00.000+0000",
        "ConvertedDate": "2024-01-02",
        "Interests__c": None,
        "Code__c": "abc",
        "Status": "Closed",
    },
    {
        "Id": sfid("00Q", 3),
        "FirstName": "Bob",
        "LastName": "smith",
        "Email": None,
        "Company": "50%_off",
        "Description": None,
        "IsConverted": False,
        "ConvertedContactId": None,
        "NumberOfEmployees": None,
        "AnnualRevenue": 20.0,
        "LastModifiedDate": "2023-06-30T23:00:00.000+0000",
        "ConvertedDate": None,
        "Interests__c": "Art",
        "Code__c": None,
        "Status": "Open",
    },
    {
        "Id": sfid("00Q", 4),
        "LastName": "Gone",
        "Email": "gone@x.com",
        "Company": "Old",
        "IsConverted": False,
        "IsDeleted": True,
    },
]
STORE = Store(
    {
        "Lead": LEADS,
        "Contact": [
            {
                "Id": CONTACT,
                "LastName": "O'Brien",
                "Email": "o'brien@x.ie",
                "LastModifiedDate": "2024-02-01T00:00:00.000+0000",
            }
        ],
        "Campaign": [{"Id": CAMPAIGN, "Name": "Summit 2025", "IsActive": True}],
        "CampaignMember": [
            {
                "Id": sfid("00v", 1),
                "CampaignId": CAMPAIGN,
                "LeadId": LEADS[0]["Id"],
                "ContactId": None,
                "Status": "Sent",
            },
            {
                "Id": sfid("00v", 2),
                "CampaignId": CAMPAIGN,
                "LeadId": None,
                "ContactId": CONTACT,
                "Status": "Attended",
            },
        ],
        "CampaignMemberStatus": [
            {
                "Id": sfid("01Y", 1),
                "CampaignId": CAMPAIGN,
                "Label": "Sent",
                "HasResponded": False,
                "IsDefault": True,
                "SortOrder": 1,
            },
            {
                "Id": sfid("01Y", 2),
                "CampaignId": CAMPAIGN,
                "Label": "Responded",
                "HasResponded": True,
                "IsDefault": False,
                "SortOrder": 2,
            },
        ],
    }
)
SCHEMA = Schema(FIELDS)


def query(text: str, store: Store = STORE, **options: object) -> QueryResult:
    return run_query(text, schema=SCHEMA, store=store, api_version="62.0", **options)  # type: ignore[arg-type]


def ids(text: str, **options: object) -> list[str]:
    return [r["Id"] for r in query(text, **options).records]


def lead_ids(*numbers: int) -> list[str]:
    return [sfid("00Q", n) for n in numbers]


def error(text: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        query(text)
    return caught.value


# -- SELECT and record shape


def test_records_carry_attributes_and_the_selected_fields_in_select_order() -> None:
    result = query(f"SELECT Email, Id FROM Lead WHERE Id = '{LEADS[0]['Id']}'")
    assert result.total_size == 1
    assert result.records == [
        {
            "attributes": {"type": "Lead", "url": f"/services/data/v62.0/sobjects/Lead/{LEADS[0]['Id']}"},
            "Email": "Ann@Example.com",
            "Id": LEADS[0]["Id"],
        }
    ]
    assert list(result.records[0]) == ["attributes", "Email", "Id"]


def test_id_is_in_records_only_when_selected() -> None:
    record = query("SELECT LastName FROM Lead LIMIT 1").records[0]
    assert set(record) == {"attributes", "LastName"}


def test_field_and_object_names_come_back_in_the_schemas_case() -> None:
    record = query("select email, LASTNAME from lead limit 1").records[0]
    assert list(record) == ["attributes", "Email", "LastName"]
    assert record["attributes"]["type"] == "Lead"


def test_api_version_with_a_leading_v_gives_the_same_url() -> None:
    result = run_query("SELECT Id FROM Campaign", schema=SCHEMA, store=STORE, api_version="v58.0")
    assert result.records[0]["attributes"]["url"] == f"/services/data/v58.0/sobjects/Campaign/{CAMPAIGN}"


def test_deleted_records_come_back_only_with_include_deleted() -> None:
    assert sfid("00Q", 4) not in ids("SELECT Id FROM Lead")
    assert sfid("00Q", 4) in ids("SELECT Id FROM Lead", include_deleted=True)


def test_count_gives_total_size_and_no_records() -> None:
    assert query("SELECT COUNT() FROM Lead") == QueryResult(records=[], total_size=3)
    assert query("SELECT count() FROM Lead WHERE IsConverted = false").total_size == 2
    assert query("SELECT COUNT() FROM Lead LIMIT 1").total_size == 1


def test_count_with_other_fields_is_malformed() -> None:
    assert error("SELECT COUNT(), Id FROM Lead").error_code == "MALFORMED_QUERY"


def test_a_field_selected_twice_is_invalid_field() -> None:
    failure = error("SELECT Id, Email, id FROM Lead")
    assert (failure.error_code, failure.message) == ("INVALID_FIELD", "duplicate field selected: Id")


# -- parent fields


def test_parent_fields_are_nested_under_the_relationship_with_their_own_attributes() -> None:
    records = query(
        "SELECT Id, campaign.name, Lead.Email, Contact.Email FROM CampaignMember ORDER BY Id"
    ).records
    assert records[0]["Campaign"] == {
        "attributes": {"type": "Campaign", "url": f"/services/data/v62.0/sobjects/Campaign/{CAMPAIGN}"},
        "Name": "Summit 2025",
    }
    assert records[0]["Lead"]["Email"] == "Ann@Example.com"
    assert records[0]["Contact"] is None
    assert records[1]["Lead"] is None and records[1]["Contact"]["Email"] == "o'brien@x.ie"


def test_several_fields_of_one_parent_share_one_nested_record() -> None:
    record = query(
        "SELECT ConvertedContact.Email, ConvertedContact.LastName FROM Lead WHERE IsConverted = true"
    ).records[0]
    assert list(record["ConvertedContact"]) == ["attributes", "Email", "LastName"]


def test_parent_fields_filter_and_sort() -> None:
    names = [
        r["Status"]
        for r in query(
            "SELECT Status FROM CampaignMember WHERE Campaign.Name = 'SUMMIT 2025' "
            "ORDER BY Lead.Email NULLS LAST"
        ).records
    ]
    assert names == ["Sent", "Attended"]
    assert query("SELECT Id FROM CampaignMember WHERE Lead.Email = null").total_size == 1


def test_the_object_name_may_qualify_its_own_fields() -> None:
    assert query("SELECT Lead.Email FROM Lead WHERE Lead.Email = 'ann@example.com'").records[0]["Email"] == (
        "Ann@Example.com"
    )


def test_unknown_relationship_is_invalid_field() -> None:
    failure = error("SELECT Owner.Name FROM Lead")
    assert failure.error_code == "INVALID_FIELD"
    assert "Didn't understand relationship 'Owner' in field path." in failure.message


def test_unknown_parent_field_names_the_parent_entity() -> None:
    failure = error("SELECT Campaign.Nme FROM CampaignMember")
    assert "No such column 'Nme' on entity 'Campaign'." in failure.message


# -- errors with Salesforce's shapes


def test_unknown_object_is_invalid_type_with_the_real_message() -> None:
    failure = error("SELECT Id FROM Leed")
    assert failure.error_code == "INVALID_TYPE"
    assert failure.message == (
        "\nSELECT Id FROM Leed\n               ^\nERROR at Row:1:Column:16\n"
        "sObject type 'Leed' is not supported. If you are attempting to use a custom object, be sure to "
        "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
        "appropriate names."
    )


def test_unknown_field_is_invalid_field_with_statement_caret_and_column() -> None:
    failure = error("SELECT Id, Emial FROM Lead")
    assert failure.error_code == "INVALID_FIELD"
    assert failure.message == (
        "\nSELECT Id, Emial FROM Lead\n           ^\nERROR at Row:1:Column:12\n"
        "No such column 'Emial' on entity 'Lead'. If you are attempting to use a custom field, be sure to "
        "append the '__c' after the custom field name. Please reference your WSDL or the describe call for "
        "the appropriate names."
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT Id FROM Lead WHERE Nope = 'x'",
        "SELECT Id FROM Lead ORDER BY Nope",
        "SELECT Id FROM Lead WHERE Nope IN ('x')",
    ],
)
def test_unknown_field_in_where_or_order_by_is_invalid_field(text: str) -> None:
    failure = error(text)
    assert (
        failure.error_code == "INVALID_FIELD" and "No such column 'Nope' on entity 'Lead'" in failure.message
    )


def test_the_object_is_checked_before_the_fields() -> None:
    assert error("SELECT Nope FROM Nothing").error_code == "INVALID_TYPE"


def test_errors_on_a_later_line_give_that_row_and_column() -> None:
    failure = error("SELECT Id\nFROM Lead\nWHERE  Bad = 1")
    assert "\nWHERE  Bad = 1\n       ^\nERROR at Row:3:Column:8\n" in failure.message


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("SELECT Id FROM", "'<EOF>'"),
        ("SELECT Id Lead", "'Lead'"),
        ("SELECT FROM Lead", "'FROM'"),
        ("SELECT Id FROM Lead WHERE", "'<EOF>'"),
        ("SELECT Id FROM Lead WHERE Email = invalid", "'invalid'"),
        ('SELECT Id FROM Lead WHERE Email = "a"', "'\"'"),
        ("SELECT Id FROM Lead WHERE Email IN ()", "')'"),
        ("SELECT Id FROM Lead WHERE (Email = 'a'", "'<EOF>'"),
        ("SELECT Id FROM Lead LIMIT x", "'x'"),
        ("SELECT Id FROM Lead LIMIT 5 extra", "'extra'"),
        ("DELETE FROM Lead", "'DELETE'"),
        ("", "'<EOF>'"),
    ],
)
def test_syntax_errors_are_malformed_query_naming_the_unexpected_token(text: str, token: str) -> None:
    failure = error(text)
    assert failure.error_code == "MALFORMED_QUERY"
    assert failure.message.endswith(f"unexpected token: {token}")


def test_mixing_and_with_or_without_parentheses_is_malformed_at_the_second_operator() -> None:
    failure = error("SELECT Id FROM Lead WHERE Email = 'a' AND LastName = 'b' OR Company = 'c'")
    assert failure.error_code == "MALFORMED_QUERY"
    assert failure.message.endswith("ERROR at Row:1:Column:58\nunexpected token: 'OR'")


@pytest.mark.parametrize(
    "clause", ["GROUP BY LastName HAVING COUNT(Id) > 1", "WITH SECURITY_ENFORCED", "FOR UPDATE"]
)
def test_unsupported_soql_is_malformed_and_says_the_emulator_lacks_it(clause: str) -> None:
    failure = error(f"SELECT Id FROM Lead {clause}")
    assert (
        failure.error_code == "MALFORMED_QUERY"
        and "not supported by the Salesforce emulator" in failure.message
    )


def test_a_statement_over_100000_characters_is_malformed() -> None:
    text = "SELECT Id FROM Lead WHERE Email IN (" + ",".join(["'a@example.com'"] * 7000) + ")"
    assert len(text) > 100_000
    failure = error(text)
    assert failure.error_code == "MALFORMED_QUERY" and "100,000" in failure.message


def test_a_string_literal_over_4000_characters_is_malformed_but_4000_is_fine() -> None:
    assert query(f"SELECT Id FROM Lead WHERE LastName = '{'x' * 4000}'").total_size == 0
    assert error(f"SELECT Id FROM Lead WHERE LastName = '{'x' * 4001}'").error_code == "MALFORMED_QUERY"


def test_a_long_text_field_in_where_cannot_be_filtered() -> None:
    failure = error("SELECT Id FROM Lead WHERE Description = 'x'")
    assert failure.error_code == "INVALID_FIELD"
    assert failure.message.endswith("field 'Description' can not be filtered in a query call")
    assert query("SELECT Description FROM Lead LIMIT 1").records[0]["Description"] == "long"


def test_a_long_text_field_in_order_by_cannot_be_sorted() -> None:
    assert error("SELECT Id FROM Lead ORDER BY Description").message.endswith(
        "field 'Description' can not be sorted in a query call"
    )


def _criterion(field: str, expected: str, quoted: bool = False) -> str:
    quotes = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    return f"value of filter criterion for field '{field}' must be of type {expected} and {quotes}"


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        ("IsConverted = 'false'", "INVALID_FIELD", _criterion("IsConverted", "boolean")),
        ("ConvertedDate = '2024-01-02'", "INVALID_FIELD", _criterion("ConvertedDate", "date")),
        ("LastModifiedDate > 2024-01-01", "INVALID_FIELD", _criterion("LastModifiedDate", "dateTime")),
        ("NumberOfEmployees = '3'", "MALFORMED_QUERY", _criterion("NumberOfEmployees", "integer")),
        ("LastName = 3", "INVALID_FIELD", _criterion("LastName", "string", quoted=True)),
        ("Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: abc"),
        ("IsConverted LIKE 'x%'", "INVALID_FIELD", "invalid operator on boolean field"),
        ("IsConverted > true", "INVALID_FIELD", "invalid operator on boolean field"),
    ],
)
def test_a_literal_of_the_wrong_type_is_refused(text: str, code: str, detail: str) -> None:
    failure = error(f"SELECT Id FROM Lead WHERE {text}")
    assert (failure.error_code, failure.message.rsplit("\n", 1)[-1]) == (code, detail)


def test_an_offset_over_2000_is_refused() -> None:
    failure = error("SELECT Id FROM Lead OFFSET 2001")
    assert failure.error_code == "NUMBER_OUTSIDE_VALID_RANGE"


# -- string literals and escapes


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r"'o\'brien@x.ie'", "o'brien@x.ie"),
        (r"'a\"b'", 'a"b'),
        (r"'a\\b'", "a\\b"),
        (r"'a\nb'", "a\nb"),
        (r"'a\rb'", "a\rb"),
        (r"'a\tb'", "a\tb"),
        (r"'a\bb'", "a\bb"),
        (r"'a\fb'", "a\fb"),
        (r"'\u00e9t\u00C9'", "étÉ"),
    ],
)
def test_string_escapes_decode_like_salesforce(literal: str, value: str) -> None:
    store = Store({"Lead": [{"Id": sfid("00Q", 9), "LastName": value}]})
    assert query(f"SELECT Id FROM Lead WHERE LastName = {literal}", store=store).total_size == 1


@pytest.mark.parametrize("literal", [r"'a\qb'", r"'a\%b'", r"'a\_b'", r"'\u12'", r"'a\'"])
def test_a_bad_escape_or_an_unterminated_string_is_malformed(literal: str) -> None:
    assert error(f"SELECT Id FROM Lead WHERE LastName = {literal}").error_code == "MALFORMED_QUERY"


def test_a_bad_escape_names_the_illegal_sequence() -> None:
    assert error(r"SELECT Id FROM Lead WHERE LastName = 'a\qb'").message.endswith(
        r"Invalid string literal 'a\qb'. Illegal character sequence '\q' in string literal."
    )


# -- WHERE semantics


def test_string_equality_ignores_case_except_on_case_sensitive_fields() -> None:
    assert ids("SELECT Id FROM Lead WHERE Email = 'ANN@example.COM'") == lead_ids(1)
    assert ids("SELECT Id FROM Lead WHERE LastName = 'SMITH'") == lead_ids(1, 3)
    assert ids("SELECT Id FROM Lead WHERE Code__c = 'abc'") == lead_ids(2)


def test_in_and_not_in_match_like_equality_and_not_in_keeps_nulls() -> None:
    assert ids("SELECT Id FROM Lead WHERE Email IN ('ann@example.com', 'O\\'Brien@x.ie')") == lead_ids(1, 2)
    assert ids("SELECT Id FROM Lead WHERE Email NOT IN ('ann@example.com')") == lead_ids(2, 3)
    assert ids("SELECT Id FROM Lead WHERE Email IN ('nobody@x.com', null)") == lead_ids(3)


def test_not_equal_keeps_nulls_and_null_comparisons_work() -> None:
    assert ids("SELECT Id FROM Lead WHERE FirstName != 'ann'") == lead_ids(2, 3)
    assert ids("SELECT Id FROM Lead WHERE FirstName <> 'ann'") == lead_ids(2, 3)
    assert ids("SELECT Id FROM Lead WHERE FirstName = null") == lead_ids(2)
    assert ids("SELECT Id FROM Lead WHERE FirstName != NULL") == lead_ids(1, 3)
    assert ids("SELECT Id FROM Lead WHERE FirstName = ''") == lead_ids(2)


def test_booleans_compare_with_true_and_false() -> None:
    assert ids("SELECT Id FROM Lead WHERE IsConverted = TRUE") == lead_ids(2)
    assert ids("SELECT Id FROM Lead WHERE IsConverted != true") == lead_ids(1, 3)


def test_numbers_compare_numerically_and_skip_nulls() -> None:
    assert ids("SELECT Id FROM Lead WHERE NumberOfEmployees > 3") == lead_ids(1)
    assert ids("SELECT Id FROM Lead WHERE NumberOfEmployees <= 10") == lead_ids(1, 2)
    assert ids("SELECT Id FROM Lead WHERE AnnualRevenue >= 20") == lead_ids(1, 3)
    assert ids("SELECT Id FROM Lead WHERE AnnualRevenue < 1000.5") == lead_ids(3)
    assert ids("SELECT Id FROM Lead WHERE AnnualRevenue > -1.5") == lead_ids(1, 3)


def test_dates_and_datetimes_compare_as_instants_whatever_the_offset() -> None:
    assert ids("SELECT Id FROM Lead WHERE ConvertedDate = 2024-01-02") == lead_ids(2)
    assert ids("SELECT Id FROM Lead WHERE ConvertedDate < 2024-01-02") == []
    assert ids("SELECT Id FROM Lead WHERE LastModifiedDate >= 2024-01-01T00:00:00Z") == lead_ids(1, 2)
    assert ids("SELECT Id FROM Lead WHERE LastModifiedDate > 2024-01-01T00:00:00Z") == lead_ids(1)
    assert ids("SELECT Id FROM Lead WHERE LastModifiedDate = 2024-01-01T01:00:00+01:00") == lead_ids(2)
    assert ids("SELECT Id FROM Lead WHERE LastModifiedDate < 2024-07-01T01:00:00.000+02:00") == lead_ids(2, 3)


def test_format_soql_datetimes_are_accepted() -> None:
    text = format_soql("SELECT Id FROM Lead WHERE LastModifiedDate > {}", datetime(2024, 6, 1, tzinfo=UTC))
    assert ids(text) == lead_ids(1)


def test_multipicklist_equality_ignores_value_order_and_case() -> None:
    assert ids("SELECT Id FROM Lead WHERE Interests__c = 'art;MUSIC'") == lead_ids(1)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("'sm%'", [1, 3]),
        ("'SMIT_'", [1, 3]),
        ("'%brien'", [2]),
        ("'o_brien'", [2]),
        ("'%'", [1, 2, 3]),
        ("'smith'", [1, 3]),
        ("'s%h'", [1, 3]),
        ("'x%'", []),
    ],
)
def test_like_matches_percent_and_underscore_ignoring_case(pattern: str, expected: list[int]) -> None:
    assert ids(f"SELECT Id FROM Lead WHERE LastName LIKE {pattern}") == lead_ids(*expected)


def test_like_escapes_match_a_literal_percent_and_underscore() -> None:
    assert ids(r"SELECT Id FROM Lead WHERE Company LIKE '50\%\_%'") == lead_ids(3)
    assert ids(r"SELECT Id FROM Lead WHERE Company LIKE '50\%off'") == []


def test_like_on_a_case_sensitive_field_respects_case() -> None:
    assert ids("SELECT Id FROM Lead WHERE Code__c LIKE 'a%'") == lead_ids(2)


def test_ids_match_in_15_and_18_character_forms_but_not_in_another_case() -> None:
    long_id = LEADS[0]["Id"]
    assert ids(f"SELECT Id FROM Lead WHERE Id = '{long_id}'") == lead_ids(1)
    assert ids(f"SELECT Id FROM Lead WHERE Id = '{long_id[:15]}'") == lead_ids(1)
    assert ids(f"SELECT Id FROM Lead WHERE Id IN ('{long_id[:15]}', '{long_id.lower()}')") == lead_ids(1)
    assert ids(f"SELECT Id FROM Lead WHERE Id = '{long_id.lower()}'") == []
    assert ids(f"SELECT Id FROM Lead WHERE ConvertedContactId = '{CONTACT[:15]}'") == lead_ids(2)


def test_and_or_not_and_parentheses_combine() -> None:
    assert ids(
        "SELECT Id FROM Lead WHERE LastName = 'smith' AND IsConverted = false AND Status = 'Open'"
    ) == (lead_ids(1, 3))
    assert ids("SELECT Id FROM Lead WHERE Email = 'ann@example.com' OR Email = null OR Company = 'Pub'") == (
        lead_ids(1, 2, 3)
    )
    assert ids(
        "SELECT Id FROM Lead WHERE LastName = 'smith' AND (Email = null OR NumberOfEmployees > 5)"
    ) == (lead_ids(1, 3))
    assert ids("SELECT Id FROM Lead WHERE NOT (Email = null OR NumberOfEmployees > 5)") == lead_ids(2)
    assert ids("SELECT Id FROM Lead WHERE NOT Email = null AND NOT IsConverted = true") == lead_ids(1)
    assert ids("SELECT Id FROM Lead WHERE ((LastName = 'smith'))") == lead_ids(1, 3)


def test_time_fields_cannot_be_filtered_in_the_emulator() -> None:
    assert error("SELECT Id FROM Lead WHERE StartTime__c = 'x'").error_code == "INVALID_FIELD"


# -- ORDER BY, LIMIT, OFFSET


def test_order_by_sorts_ascending_with_nulls_first_by_default() -> None:
    assert ids("SELECT Id FROM Lead ORDER BY NumberOfEmployees") == lead_ids(3, 2, 1)
    assert ids("SELECT Id FROM Lead ORDER BY NumberOfEmployees ASC NULLS LAST") == lead_ids(2, 1, 3)


def test_order_by_descending_puts_nulls_last_unless_asked() -> None:
    assert ids("SELECT Id FROM Lead ORDER BY NumberOfEmployees DESC") == lead_ids(1, 2, 3)
    assert ids("SELECT Id FROM Lead ORDER BY NumberOfEmployees DESC NULLS FIRST") == lead_ids(3, 1, 2)


def test_order_by_several_fields_with_mixed_directions_ignores_case_of_strings() -> None:
    assert ids("SELECT Id FROM Lead ORDER BY LastName DESC, FirstName ASC") == lead_ids(1, 3, 2)
    assert ids("SELECT Id FROM Lead ORDER BY Status, LastModifiedDate DESC") == lead_ids(2, 1, 3)


def test_limit_and_offset_page_through_the_sorted_records() -> None:
    assert ids("SELECT Id FROM Lead ORDER BY Id LIMIT 2") == lead_ids(1, 2)
    assert ids("SELECT Id FROM Lead ORDER BY Id LIMIT 2 OFFSET 1") == lead_ids(2, 3)
    assert ids("SELECT Id FROM Lead ORDER BY Id OFFSET 2") == lead_ids(3)
    assert query("SELECT Id FROM Lead LIMIT 0").total_size == 0


# -- the connector's queries


def test_connector_contact_lookup_by_emails() -> None:
    text = format_soql(
        "SELECT Id, Email, LastModifiedDate FROM Contact WHERE Email IN {}", ["a@x.com", "o'brien@x.ie"]
    )
    assert query(text).records == [
        {
            "attributes": {"type": "Contact", "url": f"/services/data/v62.0/sobjects/Contact/{CONTACT}"},
            "Id": CONTACT,
            "Email": "o'brien@x.ie",
            "LastModifiedDate": "2024-02-01T00:00:00.000+0000",
        }
    ]


def test_connector_lead_lookup_excluding_converted() -> None:
    text = format_soql(
        "SELECT Id, Email, IsConverted, ConvertedContactId FROM Lead WHERE Email IN {} AND IsConverted = {}",
        ["ann@example.com", "o'brien@x.ie"],
        False,
    )
    assert ids(text) == lead_ids(1)


def test_connector_campaign_lookup_by_a_hostile_name() -> None:
    text = format_soql("SELECT Id, Name FROM Campaign WHERE Name = {}", "x' OR Name != '")
    assert text == "SELECT Id, Name FROM Campaign WHERE Name = 'x\\' OR Name != \\''"
    assert query(text).total_size == 0


def test_connector_campaign_member_statuses() -> None:
    text = format_soql(
        "SELECT Id, Label, HasResponded, IsDefault FROM CampaignMemberStatus WHERE CampaignId = {}", CAMPAIGN
    )
    assert [(r["Label"], r["HasResponded"], r["IsDefault"]) for r in query(text).records] == [
        ("Sent", False, True),
        ("Responded", True, False),
    ]


def test_connector_campaign_members_of_leads_or_contacts() -> None:
    text = format_soql(
        "SELECT Id, LeadId, ContactId, Status FROM CampaignMember WHERE CampaignId = {} AND "
        "(LeadId IN {} OR ContactId IN {})",
        CAMPAIGN,
        [LEADS[2]["Id"]],
        [CONTACT],
    )
    assert [r["Status"] for r in query(text).records] == ["Attended"]


def test_an_in_list_of_200_emails_over_5000_records_finds_each_unconverted_lead_case_insensitively() -> None:
    leads = [
        {
            "Id": sfid("00Q", n),
            "Email": f"person{n}@example.com",
            "IsConverted": n % 7 == 0,
            "LastName": f"P{n}",
        }
        for n in range(5000)
    ]
    store = Store({"Lead": leads})
    emails = [f"PERSON{n}@example.com" for n in range(0, 4000, 20)]
    text = format_soql(
        "SELECT Id, Email, IsConverted, ConvertedContactId FROM Lead WHERE Email IN {} "
        "AND IsConverted = false",
        emails,
    )
    result = query(text, store=store)
    expected = {f"person{n}@example.com" for n in range(0, 4000, 20) if n % 7}
    assert result.total_size == len(expected)
    assert {record["Email"] for record in result.records} == expected


# -- property: whatever format_soql quotes comes back as the same string


NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(target=NAMES, others=st.lists(NAMES, max_size=5))
def test_any_string_quoted_by_format_soql_matches_exactly_its_record(target: str, others: list[str]) -> None:
    names = [target, *others]
    store = Store({"Campaign": [{"Id": sfid("701", n), "Name": name} for n, name in enumerate(names)]})
    result = query(format_soql("SELECT Id, Name FROM Campaign WHERE Name = {}", target), store=store)
    assert [r["Name"] for r in result.records] == [n for n in names if n.casefold() == target.casefold()]


def test_group_by_answers_aggregate_results_keyed_by_field_alias_or_expr_number() -> None:
    result = query("SELECT Status, COUNT(Id), AVG(NumberOfEmployees) size FROM Lead GROUP BY Status")
    assert result.total_size == 2
    assert result.records == [
        {"attributes": {"type": "AggregateResult"}, "Status": "Open", "expr0": 2, "size": 10.0},
        {"attributes": {"type": "AggregateResult"}, "Status": "Closed", "expr0": 1, "size": 3.0},
    ]


def test_aggregates_without_group_by_answer_one_row_and_count_only_values() -> None:
    row = query("SELECT COUNT(FirstName), COUNT_DISTINCT(Status), SUM(NumberOfEmployees) FROM Lead").records
    assert row == [{"attributes": {"type": "AggregateResult"}, "expr0": 2, "expr1": 2, "expr2": 13.0}]


def test_a_null_group_is_a_row_like_the_others() -> None:
    rows = query("SELECT ConvertedContactId, COUNT(Id) FROM Lead GROUP BY ConvertedContactId").records
    assert sorted((r["ConvertedContactId"] or "", r["expr0"]) for r in rows) == [("", 2), (CONTACT, 1)]


def test_a_field_neither_grouped_nor_aggregated_is_malformed() -> None:
    failure = error("SELECT Status, LastName, COUNT(Id) FROM Lead GROUP BY Status")
    assert failure.error_code == "MALFORMED_QUERY"
    assert failure.message.endswith("Field must be grouped or aggregated: LastName")


def test_sum_of_a_text_field_is_an_invalid_field() -> None:
    failure = error("SELECT SUM(LastName) FROM Lead")
    assert failure.error_code == "INVALID_FIELD"
    assert failure.message.endswith("field LastName does not support aggregate operator SUM")


def test_an_error_in_a_very_long_statement_echoes_the_text_around_it() -> None:
    text = "SELECT Id FROM Lead WHERE Email IN (" + ",".join(["'a@example.com'"] * 100) + ") AND Nope = 1"
    failure = error(text)
    echoed, caret = failure.message.split("\n")[1:3]
    assert len(echoed) < 250 and echoed[caret.index("^") :].startswith("Nope = 1")
    assert f"ERROR at Row:1:Column:{text.index('Nope') + 1}" in failure.message
