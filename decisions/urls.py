from django.urls import path

from .views import browse

app_name = "decisions"

urlpatterns = [
    path("", browse.search, name="search"),
    path("letters/<int:pk>/", browse.letter_detail, name="letter-detail"),
]
