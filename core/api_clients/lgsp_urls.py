"""The one LGSP namespace, /api/lgsp/v1/: every data service registered with endpoints
(core.api_clients.registry), whichever pillar serves it. Documented in the OpenAPI schema under
the "LGSP" tags; every endpoint authenticates with a client key and logs each call."""

from core.api_clients import registry

app_name = "lgsp"

urlpatterns = [pattern for service in registry.all_services() for pattern in service.urlpatterns]
