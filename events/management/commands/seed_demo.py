from django.core.management.base import BaseCommand, CommandParser

from events.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Create (idempotently) the demo organizer, the demo event with custom fields of every type"
        " and N participants."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants", type=int, default=50, help="How many participants (default 50)."
        )

    def handle(self, *args, participants: int, **options) -> None:
        result = demo_seed(participants=participants)
        self.stdout.write(
            f"Demo event “{result.event.name}” (/events/{result.event.slug}/participants/): "
            f"{result.created} participant(s) created, {result.total} in all."
        )
        self.stdout.write(f"Log in as: {result.username} / {result.password}")
