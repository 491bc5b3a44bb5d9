from django.urls import path

from society import views, views_schools

app_name = "society"
urlpatterns = [
    path("", views.index, name="index"),
    path("schools/", views.schools, name="schools"),
    path("tech-teams/", views.teams, name="teams"),
    path("tech-teams/<int:pk>/", views.team_detail, name="team-detail"),
    # Schools, gradebooks, transcripts (học bạ số)
    path("hoc-ba/", views_schools.school_home, name="school-home"),
    path("hoc-ba/classes/<int:pk>/", views_schools.class_detail, name="class-detail"),
    path("hoc-ba/classes/<int:pk>/conduct/", views_schools.class_conduct, name="class-conduct"),
    path("hoc-ba/gradebooks/<int:pk>/", views_schools.gradebook, name="gradebook"),
    path("hoc-ba/gradebooks/<int:pk>/finish/", views_schools.gradebook_finish, name="gradebook-finish"),
    path("hoc-ba/gradebooks/<int:pk>/unlock/", views_schools.gradebook_unlock, name="gradebook-unlock"),
    path("hoc-ba/gradebooks/<int:pk>/history/", views_schools.gradebook_history, name="gradebook-history"),
    path("hoc-ba/students/<int:pk>/", views_schools.student_detail, name="student-detail"),
]
