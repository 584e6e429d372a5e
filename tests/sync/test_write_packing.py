"""How a batch's write subrequests are packed into Composite calls (Salesforce: at most 5 queries or sObject
Collections per Composite; a reference reaches only a subrequest of the same Composite)."""

from sync.writes import (
    COMPOSITE_COLLECTIONS,
    NEW_MEMBERS_CREATE,
    PEOPLE_CREATE,
    PEOPLE_UPDATE,
    WriteRequest,
    pack,
)


def _create_unit(n):
    return [WriteRequest(f"newPeople{n}", PEOPLE_CREATE, [], []),
            WriteRequest(f"newMembers{n}", NEW_MEMBERS_CREATE, [], [])]


def _update_unit(n):
    return [WriteRequest(f"peopleUpdates{n}", PEOPLE_UPDATE, [], [])]


def test_four_creates_with_their_memberships_and_two_updates_take_two_composites_not_three():
    calls = pack([_create_unit(n) for n in range(4)] + [_update_unit(n) for n in range(2)])
    assert len(calls) == 2
    assert all(len(call) <= COMPOSITE_COLLECTIONS for call in calls)


def test_each_membership_subrequest_follows_its_people_create_in_the_same_composite():
    calls = pack([_update_unit(0), *(_create_unit(n) for n in range(5)), _update_unit(1)])
    for call in calls:
        references = [r.reference for r in call]
        for reference in references:
            if reference.startswith("newMembers"):
                people = reference.replace("newMembers", "newPeople")
                assert people in references and references.index(people) < references.index(reference)
    assert sorted(r.reference for call in calls for r in call) == sorted(
        [f"newPeople{n}" for n in range(5)] + [f"newMembers{n}" for n in range(5)]
        + ["peopleUpdates0", "peopleUpdates1"])
    assert len(calls) == 3  # 12 subrequests: the fewest Composites of 5
