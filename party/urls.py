from django.urls import path

from party import views
from party.views import committees, documents, organisations, tasks

app_name = "party"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/", tasks.tasks, name="tasks"),
    path("tasks/rollup/", tasks.task_rollup, name="task-rollup"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task-detail"),
    path("tasks/<int:pk>/evidence/<int:evidence_id>/", tasks.task_evidence, name="task-evidence"),
    path("documents/", tasks.documents, name="documents"),
    path("documents/new/", documents.document_create, name="document-create"),
    path("documents/<int:pk>/", documents.document_detail, name="document-detail"),
    path("documents/<int:pk>/issue/", documents.document_issue, name="document-issue"),
    path("documents/<int:pk>/attach/", documents.document_attach, name="document-attach"),
    path("documents/<int:pk>/distribute/", documents.document_distribute, name="document-distribute"),
    path("documents/<int:pk>/remind/", documents.document_remind, name="document-remind"),
    path(
        "documents/<int:pk>/acknowledge/<int:distribution_id>/",
        documents.document_acknowledge,
        name="document-acknowledge",
    ),
    path("documents/<int:pk>/files/<int:file_id>/", documents.document_file, name="document-file"),
    path("documents/<int:pk>/signed.pdf", documents.document_pdf, name="document-pdf"),
    path("inbox/", documents.inbox, name="inbox"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/members/new/", organisations.member_create, name="member-create"),
    path("members/<int:pk>/", organisations.member_edit, name="member-edit"),
    path("members/<int:pk>/positions/", organisations.member_position, name="member-position"),
    path("committees/", committees.committee_list, name="committees"),
    path("committees/<int:pk>/", committees.committee_detail, name="committee-detail"),
    path("committees/<int:pk>/members/", committees.committee_member_add, name="committee-member-add"),
    path(
        "committees/<int:pk>/members/<int:member_id>/",
        committees.committee_member_change,
        name="committee-member-change",
    ),
    path("committees/<int:pk>/meetings/", committees.committee_meeting, name="committee-meeting"),
]
