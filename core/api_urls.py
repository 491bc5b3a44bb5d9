from rest_framework.routers import SimpleRouter

from core.apis import AdministrativeUnitViewSet, AgencyViewSet

app_name = "core-api"

# SimpleRouter: no browsable API root and no format-suffix duplicates of every route.
router = SimpleRouter()
router.register("admin-units", AdministrativeUnitViewSet, basename="admin-unit")
router.register("agencies", AgencyViewSet, basename="agency")
urlpatterns = router.urls
