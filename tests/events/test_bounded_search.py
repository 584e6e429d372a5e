"""The grid search is bounded (10 words, 200 characters): a longer one is answered next to the search box
instead of becoming a query of thousands of LIKE conditions."""

from django.urls import reverse

from tests.factories import ParticipantFactory


def test_a_search_of_1900_words_is_refused_next_to_the_box_and_the_grid_is_unfiltered(client_member, event):
    ParticipantFactory(event=event, last_name="Durand")
    url = reverse("events:participant_list", args=[event.slug])
    response = client_member.get(url, {"q": " ".join(["a"] * 1900)})
    assert response.status_code == 200
    errors = response.context["form"].errors["q"]
    assert errors == ["Ensure this value has at most 200 characters (it has 3799)."]
    assert response.context["page"].paginator.count == 1


def test_eleven_short_words_are_refused_with_the_count(client_member, event):
    url = reverse("events:participant_list", args=[event.slug])
    response = client_member.get(url, {"q": "a b c d e f g h i j k"})
    assert response.context["form"].errors["q"] == ["Search for at most 10 words (11 given)."]


def test_an_export_with_a_hostile_search_is_refused(client_member, event):
    url = reverse("events:participant_export", args=[event.slug, "csv"])
    response = client_member.get(url, {"q": "x " * 50})
    assert response.status_code == 302  # back to the grid, which shows the error
