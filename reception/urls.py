from django.urls import path

from . import views

app_name = "reception"
urlpatterns = [
    # Public
    path("lich-tiep-dan/", views.calendar, name="calendar"),
    path("lich-tiep-dan/<int:pk>/dat-lich/", views.session_book, name="session_book"),
    path("lich-tiep-dan/da-dat/", views.booked, name="booked"),
    path("lich-tiep-dan/tra-cuu/", views.booking_lookup, name="booking_lookup"),
    path("lich-tiep-dan/huy/", views.booking_cancel, name="booking_cancel"),
    # Staff
    path("can-bo/tiep-dan/buoi/", views.session_list, name="sessions"),
    path("can-bo/tiep-dan/buoi/moi/", views.session_create, name="session_create"),
    path("can-bo/tiep-dan/buoi/<int:pk>/", views.session_detail, name="session_detail"),
    path("can-bo/tiep-dan/buoi/<int:pk>/nguoi-tiep/", views.session_holder, name="session_holder"),
    path("can-bo/tiep-dan/buoi/<int:pk>/huy/", views.session_cancel, name="session_cancel"),
    path("can-bo/tiep-dan/dat-lich/<int:pk>/<str:action>/", views.booking_action, name="booking_action"),
    path("can-bo/tiep-dan/so/", views.book_list, name="book"),
    path("can-bo/tiep-dan/so/in/", views.book_print, name="book_print"),
    path("can-bo/tiep-dan/so/xuat.<str:fmt>", views.book_export, name="book_export"),
    path("can-bo/tiep-dan/so/moi/", views.visit_create, name="visit_create"),
    path("can-bo/tiep-dan/so/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("can-bo/tiep-dan/so/<int:pk>/thong-bao-tu-choi/", views.refusal_notice, name="refusal_notice"),
    path("can-bo/tiep-dan/so/<int:pk>/ket-luan/", views.conclusion_create, name="conclusion"),
    path("can-bo/tiep-dan/so/<int:pk>/danh-tinh/", views.visit_reveal, name="visit_reveal"),
    path("can-bo/tiep-dan/so/<int:pk>/tra-loi/", views.written_answer_create, name="written_answer"),
    path("can-bo/tiep-dan/so/<int:pk>/tra-loi/in/", views.written_answer_letter, name="written_answer_letter"),
    path("can-bo/tiep-dan/tra-loi-can-gui/", views.answers_due, name="answers_due"),
    path("can-bo/tiep-dan/so/<int:pk>/<str:name>/", views.visit_outcome, name="visit_outcome"),
    path("can-bo/tiep-dan/cong-dan/", views.citizen_lookup, name="citizen_lookup"),
    path("can-bo/tiep-dan/chi-tieu/", views.quotas, name="quotas"),
]
