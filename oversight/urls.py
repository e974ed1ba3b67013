from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    # The staff overview keeps its address; `petitions:dashboard` still reverses to it.
    path("can-bo/", views.overview, name="overview"),
    path("giam-sat/", views.scorecard_view, name="scorecard"),
    path("giam-sat/danh-sach/", views.cases, name="cases"),
    path("giam-sat/so-sanh/", views.comparison_view, name="comparison"),
    path("giam-sat/bieu-do/", views.charts, name="charts"),
    path("giam-sat/qua-han/", views.queue, name="queue"),
    path("giam-sat/qua-han.<str:fmt>", views.queue_export, name="queue_export"),
    path("giam-sat/ho-so/<int:pk>/", views.case, name="case"),
    path("giam-sat/ho-so/<int:pk>/ket-luan/", views.finding_create, name="finding_create"),
    path("giam-sat/nhat-ky/", views.audit, name="audit"),
    path("giam-sat/nhat-ky/kiem-tra/", views.audit_check_start, name="audit_check_start"),
    path("giam-sat/nhat-ky/kiem-tra/<uuid:pk>/", views.audit_check, name="audit_check"),
    path("giam-sat/nhat-ky/kiem-tra/<uuid:pk>/trang-thai/", views.audit_check_status, name="audit_check_status"),
    path("giam-sat/ket-luan/", views.findings, name="findings"),
    path("giam-sat/ket-luan/<int:pk>/", views.finding_detail, name="finding"),
    path("giam-sat/bao-cao/", views.reports, name="reports"),
    path("giam-sat/bao-cao/tao/", views.report_request, name="report_request"),
    path("giam-sat/bao-cao/<uuid:pk>/", views.report_job, name="report_job"),
    path("giam-sat/bao-cao/<uuid:pk>/trang-thai/", views.report_status, name="report_status"),
    path("giam-sat/bao-cao/<uuid:pk>/tai-ve/", views.report_download, name="report_download"),
    path("thong-ke/", views.public_statistics, name="public_statistics"),
]
