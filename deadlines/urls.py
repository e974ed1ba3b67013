from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("han-xu-ly/", views.calculator, name="calculator"),
]
