"""Views of the notifications: the list, opening one, and the digest's one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from observatoire.accounts.models import User
from observatoire.lib.pagination import paginate
from observatoire.notifications.digest import read_unsubscribe_token
from observatoire.notifications.models import DigestPreference, Notification


class SignedInRequest(HttpRequest):
    """A request behind @login_required: its person is a User, never anonymous."""

    user: User


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_list(request: SignedInRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
        return redirect("notifications:list")
    return render(request, "notifications/notification_list.html", paginate(request, mine))


@login_required
@require_safe
def notification_open(request: SignedInRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url or ""
    if not target.startswith("/") or target.startswith("//"):
        target = "/notifications/"
    return redirect(target)


# One-click unsubscribe from the digest (RFC 8058): the signed token is the authentication.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        preference = DigestPreference.for_user(user)
        preference.frequency = DigestPreference.Frequency.OFF
        preference.save(update_fields=["frequency"])
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"token": token})
