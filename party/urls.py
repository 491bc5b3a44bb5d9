from django.urls import path

from party import views
from party.views import organisations, tasks

app_name = "party"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/", tasks.tasks, name="tasks"),
    path("tasks/rollup/", tasks.task_rollup, name="task-rollup"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task-detail"),
    path("tasks/<int:pk>/evidence/<int:evidence_id>/", tasks.task_evidence, name="task-evidence"),
    path("documents/", tasks.documents, name="documents"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/members/new/", organisations.member_create, name="member-create"),
    path("members/<int:pk>/", organisations.member_edit, name="member-edit"),
]
