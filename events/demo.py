"""The demo data of `manage.py seed_demo` (and of `make run`'s first start, and the grid benchmark): one
account owning two events, its admin the demo organizer.

Deterministic (seeded random) and idempotent: running it again creates only what is missing. The first
participants are the people the Salesforce emulator's demo org knows, so a first sync meets existing
Contacts and Leads."""

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Role
from accounts.services import account_ensure, membership_grant
from events.fields import FieldType
from events.models import Event, Participant, ParticipantField, SyncState

DEMO_USERNAME = "organizer"
DEMO_PASSWORD = "demo-organizer"
DEMO_EVENT_SLUG = "world-tour-paris"
DEMO_EVENT_NAME = "Salesforce World Tour Paris 2026"
# The demo account owns both demo events, so one Salesforce connection of the account serves both.
DEMO_ACCOUNT_SLUG = "world-tour"
DEMO_ACCOUNT_NAME = "World Tour Events"
DEMO_SECOND_EVENT_SLUG = "webinar-series"
DEMO_SECOND_EVENT_NAME = "Webinar Series 2026"
DEMO_SECOND_EVENT_PARTICIPANTS = 20
# Rows per INSERT: large enough for speed at 100,000 rows, small enough for SQLite's variable limit.
SEED_BATCH_SIZE = 1000

TICKETS = ("Standard", "VIP", "Speaker", "Press")
SESSIONS = ("Opening keynote", "Agentforce deep dive", "Data Cloud workshop", "Slack, Tableau & MuleSoft")
DEMO_FIELDS: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    ("tshirt_size", "T-shirt size", FieldType.TEXT, (), False),
    ("dietary_needs", "Dietary needs", FieldType.MULTILINE_TEXT, (), False),
    ("sessions_count", "Sessions attended", FieldType.NUMBER, (), True),
    ("ticket_type", "Ticket type", FieldType.SELECT_LIST, TICKETS, False),
    ("sessions", "Sessions", FieldType.MULTISELECT_LIST, SESSIONS, False),
    ("arrival_date", "Arrival date", FieldType.DATE, (), False),
    ("visited_booth", "Visited our booth", FieldType.BOOLEAN, (), True),
    ("wants_newsletter", "Wants the newsletter", FieldType.NULLABLE_BOOLEAN, (), False),
    ("cv", "CV", FieldType.FILE, (), False),
    ("photo", "Photo", FieldType.PICTURE, (), False),
    ("badge", "Badge", FieldType.DOCUMENT, (), True),
)
FIRST_PARTICIPANTS = (
    ("amelie.durand@example.com", "Amélie", "Durand", "Durand Conseil", "Directrice marketing"),
    ("sean.oconnor@example.ie", "Seán", "O'Connor", "Cloudy Kinsale Ltd", "CTO"),
    ("jp.lefevre@example.fr", "Jean-Pierre", "Lefèvre", "Lefèvre & Fils", "Gérant"),
    ("chloe.martin@example.com", "Chloé", "Martin", "", "Consultante indépendante"),
)
# Pools of realistic values ("|"-separated: some hold spaces), with accents, apostrophes and blanks.
FIRST_NAMES = tuple(
    "Léa|Hugo|Zoé|Noémie|Gaël|Inès|Maël|Björn|Siobhán|Ana|Łukasz|Camille|Jérôme|Hélène|François|Anaïs"
    "|Nuno|Chiara|Mehdi|Aoife|Sören|Marie-Ève".split("|")
)
LAST_NAMES = tuple(
    "O'Brien|D'Amico|Lefèbvre|Müller|Núñez|Dubois-Lambert|N'Diaye|Martin|Bernard|Kowalczyk|Petit"
    "|Da Silva|Ó Súilleabháin|Leclerc|Rossi|L'Hôte|Garçon|Weiß".split("|")
)
COMPANIES = tuple(
    "Acme Corp|Société Générale d'Événements|Crème & Café SARL|Nordic Widgets AB|Initech"
    "|Brasserie L'Étoile|Umbrella Lisboa|Zürich Data AG|||".split("|")
)
JOBS = tuple("CIO|Sales Director|Chef de projet|Développeuse|Marketing Ops||Head of Events".split("|"))
DOMAINS = ("example.com", "example.fr", "example.org", "example.ie")


@dataclass(frozen=True)
class DemoResult:
    username: str
    password: str
    event: Event
    created: int
    total: int


# Letters NFKD does not decompose into an ASCII base.
_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o"})


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS)).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "").replace("-", "")


def _custom_values(rng: random.Random, index: int) -> dict:
    return {
        "tshirt_size": rng.choice(("XS", "S", "M", "L", "XL", "")),
        "dietary_needs": rng.choice(("", "", "", "Végétarien", "Sans gluten\nPas de noix", "Halal")),
        "sessions_count": rng.randint(0, 8),
        "ticket_type": rng.choice(TICKETS[:2] * 4 + TICKETS),
        "sessions": sorted(rng.sample(SESSIONS, rng.randint(0, 3)), key=SESSIONS.index),
        "arrival_date": (dt.date(2026, 6, 10) + dt.timedelta(days=rng.randint(0, 2))).isoformat(),
        "visited_booth": rng.random() < 0.3,
        "wants_newsletter": rng.choice((True, False, None)),
        "cv": f"https://files.example.com/cv/{index}.pdf" if rng.random() < 0.2 else "",
        "photo": f"photo-{index}.jpg" if rng.random() < 0.5 else "",
        "badge": f"badge-{index}.pdf",
    }


def demo_participants(*, event: Event, count: int, seed: int = 2026) -> Iterator[Participant]:
    """The first `count` demo participants of `event`, unsaved; the same ones for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        if index < len(FIRST_PARTICIPANTS):
            email, first, last, company, job = FIRST_PARTICIPANTS[index]
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            company, job = rng.choice(COMPANIES), rng.choice(JOBS)
            email = f"{_ascii(first)}.{_ascii(last)}{index}@{rng.choice(DOMAINS)}"
        registered = index < len(FIRST_PARTICIPANTS) or rng.random() < 0.8
        yield Participant(
            event=event,
            email=email,
            first_name=first,
            last_name=last,
            company=company,
            job_title=job,
            is_registered=registered,
            has_come=registered and rng.random() < 0.45,
            allows_networking=rng.choice((True, False, None)),
            data=_custom_values(rng, index),
            salesforce_sync_state=SyncState.PENDING,
            change_counter=1,
        )


def demo_fields_ensure(*, event: Event) -> None:
    for position, (key, label, type_, options, staff_only) in enumerate(DEMO_FIELDS, start=1):
        ParticipantField.objects.get_or_create(
            event=event,
            key=key,
            defaults={
                "label": label,
                "type": type_,
                "options": list(options),
                "staff_only": staff_only,
                "position": position,
            },
        )


def participants_seed(*, event: Event, count: int, seed: int = 2026) -> int:
    """Create the demo participants of `event` that are missing (matched on email); returns how many.

    They are created pending without telling the sync engine: the seed must run before any worker
    exists (`make run`), and the periodic sweep picks pending participants up once Salesforce is set."""
    existing = {email.lower() for email in event.participants.values_list("email", flat=True).iterator()}
    created, batch = 0, []
    for participant in demo_participants(event=event, count=count, seed=seed):
        if participant.email.lower() in existing:
            continue
        batch.append(participant)
        if len(batch) >= SEED_BATCH_SIZE:
            created += len(Participant.objects.bulk_create(batch))
            batch = []
    created += len(Participant.objects.bulk_create(batch))
    return created


def _demo_event(
    account, user, slug: str, name: str, day: dt.date, location: str, participants: int
) -> tuple[Event, int]:
    """One demo event of the account, given to the demo user, with the demo fields and participants;
    returns it and how many participants were added now."""
    event, _ = Event.objects.get_or_create(
        slug=slug,
        defaults={"account": account, "name": name, "starts_on": day, "ends_on": day, "location": location},
    )
    event.members.add(user)
    demo_fields_ensure(event=event)
    return event, participants_seed(event=event, count=participants)


@transaction.atomic
def demo_seed(*, participants: int = 50) -> DemoResult:
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    account = account_ensure(slug=DEMO_ACCOUNT_SLUG, name=DEMO_ACCOUNT_NAME)
    membership_grant(account=account, user=user, role=Role.ADMIN)
    event, created = _demo_event(
        account, user, DEMO_EVENT_SLUG, DEMO_EVENT_NAME, dt.date(2026, 6, 11),
        "Paris Expo Porte de Versailles", participants,
    )
    _demo_event(
        account, user, DEMO_SECOND_EVENT_SLUG, DEMO_SECOND_EVENT_NAME, dt.date(2026, 9, 24), "Online",
        DEMO_SECOND_EVENT_PARTICIPANTS,
    )
    return DemoResult(DEMO_USERNAME, DEMO_PASSWORD, event, created, event.participants.count())
