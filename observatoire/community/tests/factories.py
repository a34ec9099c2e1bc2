"""Plain factory functions for the community app."""

from observatoire.community.models import Comment


def make_comment(practice, author, *, body: str = "Une question d'essai ?", **fields) -> Comment:
    return Comment.objects.create(practice=practice, author=author, body=body, **fields)
