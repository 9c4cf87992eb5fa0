from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """An e-mail written in the transaction that caused it and sent after the commit.

    Due: not sent, not given up and `next_attempt_at` reached. A sender claims a row by moving
    `next_attempt_at` past the time a send may take, so no second sender picks it up meanwhile.
    Sent and given-up rows hold personal data and are deleted after the retention period.
    """

    to = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)  # filename, mimetype, base64
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=200, blank=True)  # error class and code only
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)  # given up after the last attempt

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbox_due",
            )
        ]

    def __str__(self) -> str:
        return f"e-mail #{self.pk}"


class IdempotencyRecord(models.Model):
    """A request made with an `Idempotency-Key`, written in the transaction of its result.

    Only digests are stored: of the key and of the canonical request (its fingerprint).
    """

    scope = models.CharField(max_length=50)
    key_digest = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_digest"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} #{self.object_id}"


class ConfigRevision(models.Model):
    """One row whose value changes with every write to a configuration table.

    Database triggers (`rathaus.core.revision.triggers_create`) set a new random value on
    every insert, update, delete or truncate of the tables that hold rules, venues, registrars
    and the policy, so a process may keep what it read of them as long as the value is the same.
    """

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"configuration revision {self.value}"


class LiveEvent(models.Model):
    """One event of a live channel (`rathaus.core.live`), written in its cause's transaction.

    Per channel the ids grow in commit order, so a client that has seen an id catches up with
    every later event by asking for the ids after it. Rows are deleted after a day.
    """

    id = models.BigAutoField(primary_key=True)
    channel = models.CharField(max_length=60)
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "id"], name="live_event_channel_id")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.kind}"
