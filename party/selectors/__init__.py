"""Reads of the party agencies pillar; every query of sensitive data applies who-may-see-what here
(party.selectors.access), never in a view."""

from party.selectors.resolutions import (  # noqa: F401
    digital_documents_rate,
    rollup,
    task_rows,
    tasks,
    tasks_on_track_rate,
)
