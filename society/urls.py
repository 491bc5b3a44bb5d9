from django.urls import path

from society import views, views_broadcasts, views_schools, views_subjects, views_teams, views_transcripts

app_name = "society"
urlpatterns = [
    path("", views.index, name="index"),
    path("schools/", views.schools, name="schools"),
    path("tech-teams/", views.teams, name="teams"),
    path("tech-teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("tech-teams/new/", views_teams.team_new, name="team-new"),
    path("tech-teams/<int:pk>/edit/", views_teams.team_edit, name="team-edit"),
    path("tech-teams/<int:pk>/members/", views_teams.team_members, name="team-members"),
    path(
        "tech-teams/<int:pk>/members/<int:member_pk>/remove/",
        views_teams.team_member_remove,
        name="team-member-remove",
    ),
    # Broadcasts to citizens
    path("broadcasts/", views_broadcasts.broadcast_list, name="broadcasts"),
    path("broadcasts/new/", views_broadcasts.broadcast_new, name="broadcast-new"),
    path("broadcasts/loudspeakers/", views_broadcasts.loudspeaker_schedule, name="loudspeaker-schedule"),
    path("broadcasts/loudspeakers/slots/", views_broadcasts.loudspeaker_slots, name="loudspeaker-slots"),
    path("broadcasts/<int:pk>/", views_broadcasts.broadcast_detail, name="broadcast-detail"),
    path("broadcasts/<int:pk>/resend/", views_broadcasts.broadcast_resend, name="broadcast-resend"),
    path("broadcasts/<int:pk>/<str:action>/", views_broadcasts.broadcast_action, name="broadcast-action"),
    # Community technology team members in the field
    path("tech-teams/mine/", views_teams.my_teams, name="my-teams"),
    path("tech-teams/<int:pk>/household-visits/new/", views_teams.household_visit_new, name="household-visit-new"),
    # Schools, gradebooks, transcripts (học bạ số)
    path("hoc-ba/", views_schools.school_home, name="school-home"),
    path("hoc-ba/subjects/", views_subjects.subject_list, name="subjects"),
    path("hoc-ba/subjects/new/", views_subjects.subject_new, name="subject-new"),
    path("hoc-ba/subjects/<int:pk>/edit/", views_subjects.subject_edit, name="subject-edit"),
    path("hoc-ba/classes/<int:pk>/", views_schools.class_detail, name="class-detail"),
    path("hoc-ba/classes/<int:pk>/conduct/", views_schools.class_conduct, name="class-conduct"),
    path("hoc-ba/classes/<int:pk>/qualities/", views_schools.class_qualities, name="class-qualities"),
    path("hoc-ba/classes/<int:pk>/awards/", views_schools.class_awards, name="class-awards"),
    path(
        "hoc-ba/classes/<int:pk>/homeroom/<int:period>/finish/", views_schools.homeroom_finish, name="homeroom-finish"
    ),
    path(
        "hoc-ba/classes/<int:pk>/homeroom/<int:period>/unlock/", views_schools.homeroom_unlock, name="homeroom-unlock"
    ),
    path(
        "hoc-ba/classes/<int:pk>/homeroom/<int:period>/history/",
        views_schools.homeroom_history,
        name="homeroom-history",
    ),
    path("hoc-ba/gradebooks/<int:pk>/", views_schools.gradebook, name="gradebook"),
    path("hoc-ba/gradebooks/<int:pk>/finish/", views_schools.gradebook_finish, name="gradebook-finish"),
    path("hoc-ba/gradebooks/<int:pk>/unlock/", views_schools.gradebook_unlock, name="gradebook-unlock"),
    path("hoc-ba/gradebooks/<int:pk>/history/", views_schools.gradebook_history, name="gradebook-history"),
    path("hoc-ba/students/<int:pk>/", views_schools.student_detail, name="student-detail"),
    path("hoc-ba/students/<int:pk>/transfer/", views_transcripts.transfer_send, name="transfer-send"),
    path("hoc-ba/transfers/<int:pk>/receive/", views_transcripts.transfer_receive, name="transfer-receive"),
    path("hoc-ba/schools/<int:pk>/", views_transcripts.school_detail, name="school-detail"),
    path("hoc-ba/schools/<int:pk>/sign/", views_transcripts.sign_school, name="sign-school"),
    path("hoc-ba/classes/<int:pk>/sign/", views_transcripts.sign_class, name="sign-class"),
    path("hoc-ba/signing-jobs/<int:pk>/", views_transcripts.signing_job, name="signing-job"),
    path("hoc-ba/transcripts/<int:pk>/pdf/", views_transcripts.transcript_pdf, name="transcript-pdf"),
    # Public: the QR code printed on every transcript leads here.
    path("hoc-ba/verify/<str:code>/", views_transcripts.transcript_verify, name="transcript-verify"),
]
