"""Writes of documents and direction, by part of the process (incoming, outgoing, tasks)."""

from government.documents.services.common import next_number  # noqa: F401
from government.documents.services.incoming import (  # noqa: F401
    document_assign,
    document_close,
    document_direct,
    document_receive,
    document_refuse,
    document_register,
    document_report,
    document_start,
)
from government.documents.services.outgoing import (  # noqa: F401
    agency_symbol,
    incoming_check_signature,
    number_symbol_for,
    outgoing_approve,
    outgoing_create,
    outgoing_issue,
    outgoing_return,
    outgoing_sign,
    outgoing_submit,
    outgoing_update,
)
from government.documents.services.tasks import (  # noqa: F401
    reminders_send,
    task_assign,
    task_cancel,
    task_progress,
)
