"""URLs of the Observatory, in French."""

from django.urls import path

from observatoire.practices import moderation_views, views
from observatoire.practices.feeds import CategoryFeed, LatestPracticesFeed, ThemeFeed

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="list"),
    path("flux/", LatestPracticesFeed(), name="feed"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
    path("categories/<slug:slug>/flux/", CategoryFeed(), name="category_feed"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("themes/<slug:slug>/flux/", ThemeFeed(), name="theme_feed"),
    path("soumettre/", views.practice_submit, name="submit"),
    path("mes-contributions/", views.my_contributions, name="my_contributions"),
    path("soumettre/documents/<id:pk>/", views.pending_attachment, name="pending_attachment"),
    path("soumettre/cooperatives/", views.cooperative_options, name="cooperative_options"),
    path("<slug:slug>/documents/<id:pk>/", views.attachment_download, name="attachment"),
    path("<slug:slug>/modifier/", views.practice_edit, name="edit"),
    path("<slug:slug>/apercu/", views.practice_preview, name="preview"),
    path("<slug:slug>/soumettre/", views.submit_draft, name="submit_draft"),
    path("<slug:slug>/historique/", moderation_views.history, name="history"),
    path("<slug:slug>/historique/comparer/", moderation_views.version_diff, name="diff"),
    path("<slug:slug>/supprimer/", moderation_views.delete_draft, name="delete_draft"),
    path("<slug:slug>/", views.practice_detail, name="detail"),
]
