app_name = "society-api"
urlpatterns: list = []
