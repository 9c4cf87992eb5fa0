from pathlib import Path

import pytest

FALLBACK_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _fallback_base_template(settings):
    """Until the project's templates/base.html exists, render against a minimal stand-in.

    The project directory stays first, so the real base.html wins as soon as it is there.
    """
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], FALLBACK_TEMPLATES]} for engine in settings.TEMPLATES
    ]
