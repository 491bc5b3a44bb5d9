app_name = "economy-api"
urlpatterns: list = []
