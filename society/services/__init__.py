"""Writes of the digital society pillar, one module per part of the process: `gradebook` (marks,
locks, conduct), `transcripts` (generation, the two signatures, copies, transfers), `teams`
(community technology teams' visits), `broadcasts` (announcements to citizens). Keyword-only
functions, one transaction each, audited; refusals are core.errors.ServiceError."""

from society.services.gradebook import (  # noqa: F401
    conduct_save,
    gradebook_finish,
    gradebook_missing,
    gradebook_save_marks,
    gradebook_unlock,
    mark_field,
)
from society.services.teams import SocietyError, transcripts_report, visit_record  # noqa: F401
