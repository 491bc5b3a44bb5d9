from django.urls import path

from government.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("tim-kiem/", views.search, name="search"),
    path("den/vao-so/", views.incoming_new, name="incoming-new"),
    path("di/du-thao/", views.outgoing_new, name="outgoing-new"),
    path("cong-viec/", views.tasks, name="tasks"),
    path("cong-viec/theo-co-quan/", views.task_board, name="task-board"),
    path("cong-viec/<uuid:uid>/", views.task_detail, name="task"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/sua/", views.outgoing_edit, name="outgoing-edit"),
    path("<uuid:uid>/tep/<int:file_id>/", views.file, name="file"),
]
