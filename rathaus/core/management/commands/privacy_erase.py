from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rathaus.core.privacy import privacy_erase, privacy_export


class Command(BaseCommand):
    help = (
        "Erase everything stored about one e-mail address that may be erased (Art. 17 GDPR): "
        "future reservations are cancelled first. Without --yes, only shows what would happen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="really erase")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="de or en")

    def handle(self, *args: Any, email: str, yes: bool, language: str, **options: Any) -> None:
        with translation.override(language):
            if not yes:
                export = privacy_export(email=email)
                for _provider, section in export.sections:
                    self.stdout.write(f"{section.key}: {len(section.records)}")
                raise CommandError("nothing erased: add --yes to erase")
            result = privacy_erase(email=email)
            self.stdout.write(f"erased: {result.erased}, cancelled first: {result.cancelled}")
            for reason in result.retained:
                self.stdout.write(f"kept: {reason}")
