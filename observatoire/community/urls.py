"""URLs of the life of a practice, in French."""

from django.urls import path

from observatoire.community import views

app_name = "community"
urlpatterns = [
    path("pratiques/<slug:slug>/commenter/", views.comment_create, name="comment_create"),
    path("pratiques/<slug:slug>/adoption/", views.adoption_edit, name="adoption_edit"),
    path(
        "pratiques/<slug:slug>/adoption/retirer/",
        views.adoption_withdraw,
        name="adoption_withdraw",
    ),
    path("pratiques/<slug:slug>/enregistrer/", views.bookmark_toggle, name="bookmark_toggle"),
    path("commentaires/<id:pk>/modifier/", views.comment_edit, name="comment_edit"),
    path("commentaires/<id:pk>/signaler/", views.comment_report, name="comment_report"),
    path("commentaires/<id:pk>/masquer/", views.comment_hide, name="comment_hide"),
    path("commentaires/<id:pk>/afficher/", views.comment_unhide, name="comment_unhide"),
    path("commentaires/signalements/", views.report_list, name="report_list"),
    path("suivre/<str:kind>/<id:pk>/", views.follow_toggle, name="follow_toggle"),
    path("mes-favoris/", views.my_bookmarks, name="my_bookmarks"),
    path("mes-abonnements/", views.my_follows, name="my_follows"),
]
