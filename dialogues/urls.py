from django.urls import include, path

from . import api, views

app_name = "dialogues"
urlpatterns = [
    path("can-bo/doi-thoai/", views.dialogue_list, name="list"),
    path("can-bo/doi-thoai/moi/", views.dialogue_new, name="new"),
    path("can-bo/doi-thoai/<int:pk>/", views.dialogue_detail, name="detail"),
    path("can-bo/doi-thoai/<int:pk>/bien-ban/in/", views.minutes_print, name="minutes_print"),
    path("can-bo/doi-thoai/<int:pk>/bien-ban/v<int:version>/in/", views.minutes_print, name="minutes_print_version"),
    path("can-bo/doi-thoai/<int:pk>/bien-ban/bien-ban.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("can-bo/doi-thoai/<int:pk>/bien-ban/v<int:version>.pdf", views.minutes_pdf, name="minutes_pdf_version"),
    path("can-bo/doi-thoai/<int:pk>/<str:action>/", views.dialogue_action, name="action"),
    path("can-bo/viec-sau-doi-thoai/<int:pk>/xong/", views.action_done, name="action_done"),
    path("can-bo/doi-thoai/don/<int:pk>/", views.petition_dialogues, name="petition"),
    path("can-bo/diem-nong/", views.hotspot_list, name="hotspots"),
    path("can-bo/diem-nong/moi/", views.hotspot_new, name="hotspot_new"),
    path("can-bo/diem-nong/goi-y/", views.hotspot_suggest, name="hotspot_suggest"),
    path("can-bo/diem-nong/<int:pk>/", views.hotspot_detail, name="hotspot_detail"),
    path("can-bo/diem-nong/<int:pk>/<str:action>/", views.hotspot_action, name="hotspot_action"),
    # The staff API lives under /api/v1/ like every app's (config/api_urls.py).
    path("api/v1/", include(api.urlpatterns)),
]
