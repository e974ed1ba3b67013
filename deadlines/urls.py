from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("han-xu-ly/", views.calculator, name="calculator"),
    path("han-xu-ly/thong-bao/<str:key>/", views.digest, name="digest"),
]
