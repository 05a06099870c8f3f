from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.search, name="search"),
    path("letters/<int:pk>/", views.letter_detail, name="letter-detail"),
]
