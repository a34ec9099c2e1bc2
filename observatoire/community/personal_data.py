"""What the community app holds about a person, for the GDPR export and account deletion."""

from observatoire.accounts import personal_data
from observatoire.community.models import (
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
    personal_data.register("commentaires", export=export_comments)
    personal_data.register("adoptions", export=export_adoptions)
    personal_data.register(
        "favoris",
        export=lambda user: [
            {"pratique": b.practice.title, "date": b.created_at}
            for b in Bookmark.objects.filter(user=user).select_related("practice")
        ],
    )
    personal_data.register("abonnements", export=export_follows, erase=erase)
