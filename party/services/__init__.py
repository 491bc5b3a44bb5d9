"""Writes of the party agencies pillar: keyword-only functions, one transaction each, audited.
Split by part of the process: organisations and members, documents (numbering, signing,
distribution, read receipts), resolution tasks, steering committees."""

from party.services.errors import PartyError
from party.services.tasks import key_task_report_progress, on_track

__all__ = ["PartyError", "key_task_report_progress", "on_track"]
