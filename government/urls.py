from django.urls import path

from government import views

app_name = "government"
urlpatterns = [
    path("", views.index, name="index"),
    # Public: the procedure catalogue and the dossier lookup.
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("tra-cuu/", views.lookup, name="lookup"),
    # Citizens and businesses: their own dossiers.
    path("thu-tuc/<str:code>/nop-ho-so/", views.dossier_new, name="dossier-new"),
    path("ho-so/", views.my_dossiers, name="my-dossiers"),
    path("ho-so/<uuid:uid>/", views.dossier_detail, name="dossier-detail"),
    path("ho-so/<uuid:uid>/soan/", views.dossier_edit, name="dossier-edit"),
    path("ho-so/<uuid:uid>/xoa/", views.dossier_delete, name="dossier-delete"),
    path("ho-so/<uuid:uid>/tep/<int:file_id>/xoa/", views.dossier_file_remove, name="dossier-file-remove"),
    path("ho-so/<uuid:uid>/thanh-toan/", views.dossier_pay, name="dossier-pay"),
    path("ho-so/<uuid:uid>/bo-sung/", views.dossier_supplement, name="dossier-supplement"),
    path("ho-so/<uuid:uid>/danh-gia/", views.dossier_rate, name="dossier-rate"),
    # Documents of a dossier (applicant and the handling agency).
    path("ho-so/<uuid:uid>/giay-tiep-nhan.pdf", views.dossier_receipt, name="dossier-receipt"),
    path("ho-so/<uuid:uid>/ket-qua.pdf", views.dossier_result, name="dossier-result"),
    path("ho-so/<uuid:uid>/xin-loi/<int:slip_id>.pdf", views.dossier_apology, name="dossier-apology"),
    path("ho-so/<uuid:uid>/tep/<int:file_id>/", views.dossier_file, name="dossier-file"),
    # Officials: the work queue of their agency.
    path("xu-ly/", views.queue, name="queue"),
    path("xu-ly/<uuid:uid>/", views.official_dossier, name="official-dossier"),
    path("xu-ly/<uuid:uid>/<slug:action>/", views.official_action, name="official-action"),
]
