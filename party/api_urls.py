from django.urls import path

from party import apis

app_name = "party-api"
urlpatterns = [
    path("inbox/", apis.InboxListApi.as_view(), name="inbox"),
    path("inbox/<int:pk>/acknowledge/", apis.InboxAcknowledgeApi.as_view(), name="inbox-acknowledge"),
    path("tasks/", apis.TaskListApi.as_view(), name="task-list"),
    path("tasks/<int:pk>/", apis.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:pk>/reports/", apis.TaskReportApi.as_view(), name="task-report"),
]
