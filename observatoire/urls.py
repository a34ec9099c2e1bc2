"""Root URLs. Paths are French; the admin stays under /admin/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.urls.converters import get_converters
from django.views.generic import RedirectView
from django.views.i18n import set_language

from observatoire.lib.numbers import IdConverter

# <id:pk>: ASCII digits that fit a database id (lib/numbers.py); before the apps' paths use it
# (once: Django refuses a second registration of a name).
if "id" not in get_converters():
    register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("observatoire.pages.urls")),
    path("", include("observatoire.accounts.urls")),
    path("pratiques/", include("observatoire.practices.urls")),
    path("moderation/", include("observatoire.practices.moderation_urls")),
    path("annuaire/", include("observatoire.directory.urls")),
    # The cooperative's page was first at /cooperatives/<slug>/: links to it keep working.
    path(
        "cooperatives/<slug:slug>/",
        RedirectView.as_view(
            pattern_name="directory:cooperative_detail", permanent=True, query_string=True
        ),
    ),
    path("", include("observatoire.community.urls")),
    path("", include("observatoire.notifications.urls")),
    path("langue/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Sign in with the extranet (OpenID Connect); the views answer 404 until it is configured.
    path("oidc/", include("mozilla_django_oidc.urls")),
]
if settings.BENCH_FLOOR:
    # The benchmark's floor: a page of the same size without database (bench/README.md).
    from observatoire.pages.floor import floor

    urlpatterns.append(path("banc/plancher/", floor, name="bench_floor"))
# No /media/ served, in any mode: documents are served by views that check who may read them
# (practices.views.attachment_download, pending_attachment), drafts' included.

handler400 = "observatoire.pages.views.bad_request"
handler403 = "observatoire.pages.views.permission_denied"
handler404 = "observatoire.pages.views.page_not_found"
handler500 = "observatoire.pages.views.server_error"
