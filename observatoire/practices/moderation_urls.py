"""URLs of moderation, under /moderation/ (namespace ``moderation``)."""

from django.urls import path

from observatoire.practices import moderation_views as views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("corbeille/", views.trash, name="trash"),
    path("corbeille/<id:pk>/restaurer/", views.undelete, name="undelete"),
    path("journal/", views.journal, name="journal"),
    path("<id:pk>/", views.review, name="review"),
    path("<id:pk>/prendre/", views.take, name="take"),
    path("<id:pk>/rendre/", views.release, name="release"),
    path("<id:pk>/decider/", views.decide, name="decide"),
    path("<id:pk>/note/", views.add_note, name="note"),
    path("<id:pk>/supprimer/", views.delete, name="delete"),
    path("<id:pk>/versions/<id:number>/restaurer/", views.restore, name="restore"),
]
