from django.urls import path

from government import apis

app_name = "government-api"
urlpatterns = [
    path("procedures/", apis.ProcedureListApi.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", apis.ProcedureDetailApi.as_view(), name="procedure-detail"),
    path("lookup/", apis.LookupApi.as_view(), name="lookup"),
    path("dossiers/", apis.DossierListCreateApi.as_view(), name="dossier-list"),
    path("dossiers/<uuid:uid>/", apis.DossierDetailApi.as_view(), name="dossier-detail"),
    path("dossiers/<uuid:uid>/files/", apis.DossierFileApi.as_view(), name="dossier-files"),
    path("dossiers/<uuid:uid>/submit/", apis.DossierSubmitApi.as_view(), name="dossier-submit"),
    path("dossiers/<uuid:uid>/pay/", apis.DossierPayApi.as_view(), name="dossier-pay"),
    path("dossiers/<uuid:uid>/supplement/", apis.DossierSupplementApi.as_view(), name="dossier-supplement"),
]
