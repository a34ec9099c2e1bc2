"""URLs of the notifications, in French."""

from django.urls import path

from observatoire.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<id:pk>/", views.notification_open, name="open"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
