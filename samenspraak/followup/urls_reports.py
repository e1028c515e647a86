from django.urls import path

from samenspraak.followup import portfolio_views, report_views

app_name = "reports"

urlpatterns = [
    path("sessions/<id:session_id>/report/", report_views.report_detail, name="report_detail"),
    path("sessions/<id:session_id>/report/edit/", report_views.report_edit, name="report_edit"),
    path(
        "sessions/<id:session_id>/report/recompile/",
        report_views.report_recompile,
        name="report_recompile",
    ),
    path(
        "sessions/<id:session_id>/report/publish/",
        report_views.report_publish,
        name="report_publish",
    ),
    path(
        "sessions/<id:session_id>/report/unpublish/",
        report_views.report_unpublish,
        name="report_unpublish",
    ),
    path(
        "sessions/<id:session_id>/report.md", report_views.report_markdown, name="report_markdown"
    ),
    path("sessions/<id:session_id>/report.docx", report_views.report_docx, name="report_docx"),
    path("sessions/<id:session_id>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path(
        "groups/<id:group_id>/portfolio/", portfolio_views.group_portfolio, name="group_portfolio"
    ),
    path(
        "groups/<id:group_id>/portfolio.pdf",
        portfolio_views.group_portfolio_pdf,
        name="group_portfolio_pdf",
    ),
    path("portfolio/", portfolio_views.my_portfolio, name="my_portfolio"),
    path("portfolio/my-data.json", portfolio_views.my_data, name="my_data"),
    path("portfolio/delete-me/", portfolio_views.delete_me, name="delete_me"),
]
