"""App configuration of the life of a practice: comments, adoptions, follows, and
what they bring to the digest."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "observatoire.community"
    verbose_name = _("Vie des pratiques")

    def ready(self) -> None:
        from django.db.models import Exists, OuterRef

        from observatoire.accounts.backends import PERSON_ANNOTATIONS
        from observatoire.community import digest, personal_data, receivers
        from observatoire.community.models import Adoption, Bookmark, Comment, Follow
        from observatoire.practices.views import PAGE_FLAGS

        personal_data.register_all()
        # Most practices have no adoption and no comment: their queries are then skipped. The
        # person's bookmark and follow come with the practice too.
        PAGE_FLAGS["has_adoptions"] = lambda person: Exists(
            Adoption.objects.filter(practice_id=OuterRef("pk"))
        )
        PAGE_FLAGS["has_comments"] = lambda person: Exists(
            Comment.objects.filter(practice_id=OuterRef("pk"))
        )
        PAGE_FLAGS["bookmarked_by_person"] = lambda person: (
            None
            if person is None
            else Exists(Bookmark.objects.filter(user_id=person, practice_id=OuterRef("pk")))
        )
        PAGE_FLAGS["followed_by_person"] = lambda person: (
            None
            if person is None
            else Exists(Follow.objects.filter(user_id=person, practice_id=OuterRef("pk")))
        )
        # Whether the person follows any cooperative, read with their session: a cooperative's
        # page, kept whole for members, then shows them « Suivre » without a query when they
        # follow none (directory/actions.py).
        PERSON_ANNOTATIONS["follows_cooperatives"] = lambda person: Exists(
            Follow.objects.filter(user=OuterRef(person), cooperative__isnull=False)
        )
        receivers.connect()
        digest.register()
