"""Deactivating an account ends its sessions for good.

Django already refuses a deactivated user on every request, but their sessions would come
back to life if the account were reactivated. Accounts are deactivated in `/admin/`, which
saves the user model directly, so a `pre_save` receiver is the one place that sees it.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .services import staff_sessions_end_all


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts_end_sessions_on_deactivation")
def end_sessions_on_deactivation(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        staff_sessions_end_all(user=instance)
