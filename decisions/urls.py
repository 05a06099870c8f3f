from django.urls import path

from .views import browse, export, history, statistics, uploads

app_name = "decisions"

urlpatterns = [
    # Search and reading
    path("", browse.search, name="search"),
    path("letters/<int:pk>/", browse.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/text/", browse.letter_text, name="letter-text"),
    path("letters/<int:pk>/original/", uploads.letter_original, name="letter-original"),
    # Export of a whole result set, same parameters as the search page
    path("export.csv", export.export_csv, name="export-csv"),
    path("export.json", export.export_json, name="export-json"),
    # Statistics of a result set, same parameters as the search page
    path("stats/", statistics.statistics_page, name="statistics"),
    path("stats.csv", statistics.statistics_csv, name="statistics-csv"),
    # Adding letters and their record (staff with the ingest permission)
    path("upload/", uploads.upload, name="upload"),
    path("upload/<int:pk>/", uploads.upload_job, name="upload-job"),
    path("upload/<int:pk>/status.json", uploads.upload_status, name="upload-status"),
    path("upload/metadata/", uploads.upload_metadata, name="upload-metadata"),
    path("upload/<int:pk>/bad-rows.csv", uploads.upload_bad_rows, name="upload-bad-rows"),
    path("ingest-history/", history.history, name="history"),
    path("ingest-history/<int:pk>/", history.history_run, name="history-run"),
]
