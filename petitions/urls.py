from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "petitions"
urlpatterns = [
    path("gui-don/", views.petition_create, name="create"),
    path("gui-don/da-gui/", views.petition_filed, name="filed"),
    path("gui-don/bien-nhan/", views.petition_receipt, name="receipt"),
    path("gui-don/bien-nhan.pdf", views.petition_receipt_pdf, name="receipt_pdf"),
    path("tra-cuu/", views.petition_track, name="track"),
    path("tra-cuu/quyet-dinh/", views.decision_download, name="decision"),
    path("tra-cuu/quen-ma/", views.access_key_forgot, name="forgot_key"),
    path("cua-toi/", views.my_petitions, name="mine"),
    path("cua-toi/<str:code>/", views.my_petition_detail, name="my_detail"),
    # The overview moved to oversight/, which is included first and serves this path; the entry
    # stays so the name `petitions:dashboard` keeps reversing to the same address.
    path("can-bo/", RedirectView.as_view(pattern_name="oversight:overview"), name="dashboard"),
    path("can-bo/don/", views.petition_list, name="list"),
    path("can-bo/don/moi/", views.petition_register, name="register"),
    path("can-bo/don/xuat.csv", views.petition_export, name="export"),
    path("can-bo/don/<int:pk>/", views.petition_detail, name="detail"),
    path("can-bo/don/<int:pk>/danh-tinh/", views.petitioner_reveal, name="reveal"),
    path("can-bo/don/<int:pk>/bo-bao-mat/", views.petition_protection_lift, name="unprotect"),
    path("can-bo/don/<int:pk>/<str:action>/", views.petition_action, name="action"),
    # A denunciation's deadline extension (the view lives here: the deadline engine is generic).
    path("han-xu-ly/<int:pk>/gia-han/", views.deadline_extend, name="deadline_extend"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
]
