from django.urls import path

from society import views

app_name = "society"
urlpatterns = [
    path("", views.index, name="index"),
    path("schools/", views.schools, name="schools"),
    path("tech-teams/", views.teams, name="teams"),
    path("tech-teams/<int:pk>/", views.team_detail, name="team-detail"),
]
