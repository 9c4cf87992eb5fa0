from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "rathaus.core"
    label = "core"

    def ready(self) -> None:
        from .revision import triggers_ensure

        # Once per migrate (post_migrate is sent per app; core's comes with the rest, after
        # every app's migrations ran).
        post_migrate.connect(
            triggers_ensure, sender=self, dispatch_uid="core.revision.triggers_ensure"
        )
