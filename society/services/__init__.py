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
    qualities_missing,
    qualities_save,
    quality_field,
)
from society.services.teams import (  # noqa: F401
    SocietyError,
    household_visit_record,
    team_create,
    team_member_add,
    team_member_deactivate,
    team_update,
    visit_record,
)
from society.services.transcripts import (  # noqa: F401
    job_progress,
    record_transfer_receive,
    record_transfer_send,
    signing_job_run,
    signing_jobs_resume,
    transcript_issue_copy,
    transcripts_sign_class_homeroom,
    transcripts_sign_principal,
)
