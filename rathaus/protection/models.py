"""Rate-limit windows and spent ALTCHA challenges. Neither holds an e-mail or IP address:
both are keyed HMAC digests, and each row is worthless (and deleted) after `expires_at`."""

from django.db import models


class RateLimitBucket(models.Model):
    """One fixed window of one limit for one client: incremented atomically (limiter.py)."""

    bucket = models.CharField(max_length=64, unique=True)  # HMAC(scope, kind, identity, window)
    scope = models.CharField(max_length=60)
    kind = models.CharField(max_length=10)  # ip, email or total
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.scope}/{self.kind}: {self.hits}"


class SpentChallenge(models.Model):
    """A solved challenge that was accepted once; its unique digest refuses a replay."""

    digest = models.CharField(max_length=64, unique=True)  # HMAC of the challenge signature
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.digest[:12]
