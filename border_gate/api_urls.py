app_name = "border_gate-api"
urlpatterns: list = []
