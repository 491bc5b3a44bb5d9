from django.urls import path

from party import views

app_name = "party"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("documents/", views.documents, name="documents"),
]
