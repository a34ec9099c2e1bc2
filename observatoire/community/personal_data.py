"""What the community app holds about a person, for the GDPR export and account deletion."""

from django.utils.translation import gettext_lazy as _

from observatoire.accounts import personal_data
from observatoire.community.models import (
    FOLLOWABLE,
    Adoption,
    Bookmark,
    Comment,
    Follow,
)


def export_comments(user) -> list[dict]:
    return [
        {
            "pratique": comment.practice.title,
            "type": comment.get_kind_display(),
            "texte": comment.body,
            "date": comment.created_at,
            "masqué": comment.is_hidden,
        }
        for comment in Comment.objects.filter(author=user).select_related("practice")
    ]


def export_adoptions(user) -> list[dict]:
    return [
        {
            "pratique": adoption.practice.title,
            "coopérative": adoption.cooperative.name,
            "retour": adoption.feedback,
            "date": adoption.created_at,
        }
        for adoption in Adoption.objects.filter(declared_by=user).select_related(
            "practice", "cooperative"
        )
    ]


def export_follows(user) -> list[dict]:
    follows = Follow.objects.filter(user=user).select_related(
        "category", "theme", "cooperative", "practice"
    )
    return [{"type": f.kind, "nom": str(f.target), "depuis": f.created_at} for f in follows]


def erase(user) -> None:
    """Comments stay, anonymised; adoptions keep their cooperative; the rest goes."""
    Comment.objects.filter(author=user).update(author=None)
    Adoption.objects.filter(declared_by=user).update(declared_by=None)
    Bookmark.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()


def register_all() -> None:
    comment, adoption = personal_data.fields(Comment), personal_data.fields(Adoption)
    bookmark, follow = personal_data.fields(Bookmark), personal_data.fields(Follow)
    personal_data.register(
        "commentaires",
        title=_("commentaires"),
        export=export_comments,
        labels={
            "pratique": comment("practice"),
            "type": comment("kind"),
            "texte": _("texte"),
            "date": comment("created_at"),
            "masqué": _("masqué"),
        },
    )
    personal_data.register(
        "adoptions",
        title=_("adoptions"),
        export=export_adoptions,
        labels={
            "pratique": adoption("practice"),
            "coopérative": adoption("cooperative"),
            "retour": adoption("feedback"),
            "date": adoption("created_at"),
        },
    )
    personal_data.register(
        "favoris",
        title=_("favoris"),
        export=lambda user: [
            {"pratique": b.practice.title, "date": b.created_at}
            for b in Bookmark.objects.filter(user=user).select_related("practice")
        ],
        labels={
            "pratique": bookmark("practice"),
            "date": bookmark("created_at"),
        },
    )
    personal_data.register(
        "abonnements",
        title=_("abonnements"),
        export=export_follows,
        erase=erase,
        labels={
            "type": _("type"),
            "nom": _("nom"),
            "depuis": follow("created_at"),
        },
        choices={
            "type": {kind: model._meta.verbose_name for kind, (_field, model) in FOLLOWABLE.items()}
        },
    )
