app_name = "government-api"
urlpatterns: list = []
