"""The main menu's stencil (lib/personal.py): all that makes two people's menus differ.

The menu marks the current page, and shows a signed-in person their own links, their unread
notifications, their name and their form token; a visitor, the sign-in link back to the page.
Everything else in it is the same for everybody, so it is rendered once per process for each
shape, and a person's values are put in their slots on every page.
"""

from django.template.defaultfilters import urlencode

from observatoire.lib.form_token import form_token
from observatoire.lib.personal import slot
from observatoire.notifications.templatetags.notifications import unread_notification_count
from observatoire.practices.moderation import moderates

TEMPLATE = "includes/main_nav.html"
# The menu's links, by the view they lead to; a moderation page marks « Modération ».
CURRENT = {
    "practices:list": "list",
    "practices:category_list": "categories",
    "directory:cooperative_list": "directory",
    "practices:submit": "submit",
    "practices:my_contributions": "contributions",
    "pages:about": "about",
    "notifications:list": "notifications",
    "accounts:profile": "profile",
    # Under « Modération », with its own menu (practices/moderation/_nav.html).
    "community:report_list": "moderation",
    "accounts:access_request_list": "moderation",
    "directory:duplicate_list": "moderation",
    "directory:duplicate_merge": "moderation",
}


def current_link(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "moderation":
        return "moderation"
    return CURRENT.get(match.view_name, "")


def parts(request) -> tuple[tuple, dict, dict[str, str]]:
    """(shape, stencil context, values) of this request's menu."""
    current = current_link(request)
    user = getattr(request, "user", None)  # none on an error page before the middleware
    if user is None or not user.is_authenticated:
        nav = {"current": current, "signed_in": False, "next": slot("next")}
        return (current, False), {"nav": nav}, {"next": urlencode(request.get_full_path())}
    unread = unread_notification_count(user)
    staff = moderates(user)
    nav = {
        "current": current,
        "signed_in": True,
        "moderates": staff,
        "unread": slot("unread") if unread else 0,
        "name": slot("name"),
    }
    values = {"unread": str(unread), "name": user.full_name, "csrf": form_token(request)}
    return (current, True, staff, bool(unread)), {"nav": nav, "csrf_token": slot("csrf")}, values
