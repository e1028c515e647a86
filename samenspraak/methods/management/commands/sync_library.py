from django.core.management.base import BaseCommand, CommandError

from samenspraak.methods.library import LibraryError, load_files, sync_library


class Command(BaseCommand):
    help = "Make the built-in work forms and card decks match library/ (school copies stay)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only validate the data files; write nothing."
        )

    def handle(self, *args, check: bool = False, **options):
        try:
            if check:
                methods, decks = load_files()
                self.stdout.write(f"{len(methods)} work forms and {len(decks)} decks are valid.")
                return
            methods, decks = sync_library()
        except LibraryError as error:
            raise CommandError(str(error)) from error
        for label, result in (("work forms", methods), ("card decks", decks)):
            self.stdout.write(
                f"{label}: {result.added} added, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.retired} retired"
            )
