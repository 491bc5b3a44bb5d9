app_name = "core-api"
urlpatterns: list = []
