from django.core.management.base import BaseCommand

from glassbox.transparency.services import load_builtin_checklists


class Command(BaseCommand):
    help = "Load the built-in FMTI checklists (2023, 2024, 2025) and the official scores, if missing."

    def handle(self, *args, **options):
        for checklist in load_builtin_checklists():
            self.stdout.write(f"{checklist}: {checklist.indicators.count()} indicators")
