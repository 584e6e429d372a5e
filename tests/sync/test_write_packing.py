"""How a batch's write subrequests are packed into Composite calls (Salesforce: at most 5 queries or sObject
Collections per Composite; a reference reaches only a subrequest of the same Composite)."""

from sync.writes import (
    COMPOSITE_COLLECTIONS,
    MEMBERS_CREATE,
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


def test_each_membership_subrequest_follows_its_people_create_in_the_same_composite_or_a_later_one():
    calls = pack([_update_unit(0), *(_create_unit(n) for n in range(5)), _update_unit(1)])
    references = [[r.reference for r in call] for call in calls]
    for n in range(5):
        people = next(i for i, call in enumerate(references) if f"newPeople{n}" in call)
        if f"newMembers{n}" in references[people]:  # by reference: after its create, in the same call
            assert references[people].index(f"newPeople{n}") < references[people].index(f"newMembers{n}")
        else:  # split off: by the created Ids, in a later call
            joins = [i for i, call in enumerate(calls) for r in call if r.kind == MEMBERS_CREATE]
            assert joins and min(joins) > people
    assert all(len(call) <= COMPOSITE_COLLECTIONS for call in calls)
    assert len(calls) == 3  # 12 subrequests: the fewest Composites of 5


def test_1000_new_people_with_their_memberships_take_two_composites_not_three():
    calls = pack([_create_unit(n) for n in range(5)])
    assert len(calls) == 2
    assert [len(call) for call in calls] == [5, 5]
    # The first call's spare place took a people create alone; its memberships open the second call's room.
    assert [r.kind for r in calls[0]].count(PEOPLE_CREATE) == 3
    assert sum(r.kind == MEMBERS_CREATE for r in calls[1]) == 1
