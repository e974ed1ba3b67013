from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bat-dau/", views.after_login, name="after_login"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_mark_read, name="notifications_mark_read"),
]
