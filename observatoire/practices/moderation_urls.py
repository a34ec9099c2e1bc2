"""URLs of moderation, under /moderation/ (namespace ``moderation``)."""

from django.urls import path

from observatoire.practices import moderation_views as views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("corbeille/", views.trash, name="trash"),
    path("corbeille/<int:pk>/restaurer/", views.undelete, name="undelete"),
    path("journal/", views.journal, name="journal"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/prendre/", views.take, name="take"),
    path("<int:pk>/rendre/", views.release, name="release"),
    path("<int:pk>/decider/", views.decide, name="decide"),
    path("<int:pk>/note/", views.add_note, name="note"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("<int:pk>/versions/<int:number>/restaurer/", views.restore, name="restore"),
]
