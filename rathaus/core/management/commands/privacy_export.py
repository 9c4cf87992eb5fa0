from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from rathaus.core.privacy import privacy_export


class Command(BaseCommand):
    help = (
        "Print everything stored about one e-mail address as JSON (access request, "
        "Art. 15 GDPR). The output holds personal data: hand it over, do not keep copies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="de or en")

    def handle(self, *args: Any, email: str, language: str, **options: Any) -> None:
        with translation.override(language):
            export = privacy_export(email=email)
            self.stdout.write(export.as_json())
        if not export.sections:
            self.stderr.write("nothing stored for this address")
