from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """A Celery task that could not be handed to the broker (Redis down or unreachable) after the
    state change that asked for it had committed. `core.outbox.tasks.flush` sends it when the broker
    is back; the row stays as the record of what was sent late. Internal: no page shows it."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # Routing options kept for the late send (queue, priority); an ETA or countdown is not kept:
    # the message is already late.
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_pending_idx")]

    def __str__(self):
        return f"{self.task_name} #{self.pk} ({'sent' if self.sent_at else 'pending'})"
