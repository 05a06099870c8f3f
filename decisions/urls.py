from django.urls import path

from .views import browse, history, uploads

app_name = "decisions"

urlpatterns = [
    path("", browse.search, name="search"),
    path("letters/<int:pk>/", browse.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/original/", uploads.letter_original, name="letter-original"),
    # Adding letters and their record (staff with the ingest permission)
    path("upload/", uploads.upload, name="upload"),
    path("ingest-history/", history.history, name="history"),
    path("ingest-history/<int:pk>/", history.history_run, name="history-run"),
]
