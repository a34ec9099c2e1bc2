"""Practices, their categories, themes and tags.

The four categories are fixed by the Observatory but kept as rows (fixtures) so that their
descriptions can be edited; themes are edited by staff in the admin. What search keeps of a
practice is computed in indexing.py; the vocabulary and synonyms belong to the search app.
"""

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from observatoire.lib.cache import forget_deleted_practice, forget_practice, viewer_scope
from observatoire.lib.prepared import Prepared
from observatoire.lib.text import fold, index_text
from observatoire.lib.urls import reverse
from observatoire.network.models import Cooperative
from observatoire.practices import facet_rows, related
from observatoire.practices.indexing import body_pieces, head_pieces, joined
from observatoire.practices.versions import CONTENT_FIELDS as CONTENT_FIELDS
from observatoire.practices.versions import ModerationEvent as ModerationEvent
from observatoire.practices.versions import PracticeVersion as PracticeVersion
from observatoire.practices.versions import StaffNote as StaffNote
from observatoire.practices.workflow import AWAITING, ModerationMixin
from observatoire.search.facets import stored_counts, token
from observatoire.search.vocabulary import remember_words

# How many of the newest practices « Pratiques proches » looks among first (related_to).
RELATED_WINDOW = 500
# Practice.related_for(chosen=…) left out: the practice chooses them itself.
NOT_CHOSEN: Any = object()
# What « Pratiques proches » shows of each practice, and what tells whether it may.
RELATED_FIELDS = (
    "title",
    "slug",
    "summary",
    "category__name",
    "status",
    "visibility",
    "deleted_at",
)
RESERVED_SLUGS = {"soumettre", "categories", "themes", "mes-contributions", "flux"}


def _stored_counts(user) -> dict[str, int]:
    """The counts of the unfiltered list this person sees, kept on write (facet_rows.py)."""
    return stored_counts(facet_rows.LIST_NAME, scope=viewer_scope(user))


class CategoryQuerySet(models.QuerySet["Category"]):
    def with_counts(self, user) -> list["Category"]:
        """Categories with ``practice_count``: the practices this person may see."""
        counts = _stored_counts(user)
        categories = cast(list["Category"], list(self))
        for category in categories:
            category.practice_count = counts.get(token("categorie", category.slug), 0)  # type: ignore[attr-defined]
        return categories


class ThemeQuerySet(models.QuerySet["Theme"]):
    def with_counts(self, user) -> list["Theme"]:
        """Themes with ``practice_count``: the practices this person may see."""
        counts = _stored_counts(user)
        themes = cast(list["Theme"], list(self))
        for theme in themes:
            theme.practice_count = counts.get(token("theme", theme.slug), 0)  # type: ignore[attr-defined]
        return themes


class Category(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    description = models.TextField(_("description"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # Its newest practices, for « Pratiques proches » (related.py).
    newest = models.JSONField(null=True, editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practices:category_detail", kwargs={"slug": self.slug})


class Theme(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="themes", verbose_name=_("catégorie")
    )
    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # Its newest practices, for « Pratiques proches » (related.py).
    newest = models.JSONField(null=True, editable=False)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["category__position", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practices:theme_detail", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("nom"), max_length=60, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:60]
        super().save(*args, **kwargs)


def reads_members_only(user) -> bool:
    """Whether this person may read members-only practices: signed in, of the movement."""
    return bool(user.is_authenticated and user.is_member)


# The fields of a practice card (includes/practice_card.html, practices/list_markup.py), and
# the texts a search's excerpt is taken from.
CARD_FIELDS = (
    "title",
    "slug",
    "summary",
    "status",
    "visibility",
    "published_at",
    "category__name",
    "category__slug",
)
CARD_TEXT_FIELDS = ("context", "actions", "setup_steps", "results", "difficulties")


class PracticeQuerySet(models.QuerySet):
    def alive(self) -> "PracticeQuerySet":
        """Deleted practices (soft deletion) exist only in the moderators' « Corbeille »."""
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> "PracticeQuerySet":
        return self.filter(deleted_at__isnull=False)

    def published(self) -> "PracticeQuerySet":
        return self.filter(status=Practice.Status.PUBLISHED, deleted_at__isnull=True)

    def awaiting_review(self) -> "PracticeQuerySet":
        """First submissions and revisions of published practices that wait for a decision."""
        return self.alive().filter(
            models.Q(status__in=AWAITING)
            | models.Q(status=Practice.Status.PUBLISHED, revision_status__in=AWAITING)
        )

    def moderated_by(self, user) -> "PracticeQuerySet":
        """The practices of this person's queue: routed by the cooperatives' Union régionale or
        fédération; the Confédération's queue is national, and holds practices with no
        cooperative. Members and cooperative admins moderate nothing.

        Never a draft: until it is first submitted, a practice is its author's alone (its page,
        history, versions, notes and trash included), whoever the moderator."""
        from observatoire.accounts.models import Role

        if not user.is_authenticated:
            return self.none()
        sent = self.exclude(status=Practice.Status.DRAFT)
        if user.role == Role.ADMINISTRATOR:
            return sent
        organisation = user.organisation
        if user.role not in {Role.PERMANENT, Role.MODERATOR} or organisation is None:
            return self.none()
        kind = organisation.kind
        if kind == organisation.Kind.CONFEDERATION:
            return sent
        field = "union" if kind == organisation.Kind.UNION else "federation"
        links = Practice.cooperatives.through.objects.filter(
            **{f"cooperative__{field}": organisation}
        )
        return sent.filter(pk__in=links.values("practice_id"))

    def visible_to(self, user) -> "PracticeQuerySet":
        """Members-only practices exist only for signed-in people of the movement."""
        return self.visible_to_members(reads_members_only(user))

    def visible_to_members(self, members: bool) -> "PracticeQuerySet":
        """``visible_to`` for someone who may (``members``) or may not read members-only ones."""
        return self if members else self.filter(visibility=Practice.Visibility.PUBLIC)

    def authored_by(self, user) -> "PracticeQuerySet":
        return self.alive().filter(author=user) if user.is_authenticated else self.none()

    def discoverable_by(self, user) -> "PracticeQuerySet":
        return self.published().visible_to(user)

    def discoverable(self, members: bool) -> "PracticeQuerySet":
        """``discoverable_by`` someone who may (``members``) or may not read members-only ones."""
        return self.published().visible_to_members(members)

    def without_index(self) -> "PracticeQuerySet":
        """Leave out the stored search stems and the stored page body, as long as the text
        itself, that only the search and the practice's own page read."""
        return self.defer("search_title", "search_head", "search_body", "body_html", "card_html")

    def for_page(self) -> "PracticeQuerySet":
        """``without_index``, but with the page body stored for the practice's page."""
        return self.defer("search_title", "search_head", "search_body", "card_html")

    def for_list(self, *, texts: bool = False) -> "PracticeQuerySet":
        """What a practice card shows, and no more, without one query per card: the long
        texts only with ``texts`` (a search's excerpts), which read them."""
        fields = [*CARD_FIELDS, *(CARD_TEXT_FIELDS if texts else ())]
        cooperatives = Cooperative.objects.select_related("departement").only(
            "name", "slug", "family", "departement__name"
        )
        return (
            self.only(*fields)
            .select_related("category")
            .prefetch_related(
                models.Prefetch("cooperatives", queryset=cooperatives),
                models.Prefetch("themes", queryset=Theme.objects.only("name", "slug")),
            )
        )

    def related_to(self, practice: "Practice", *, count: int) -> list["Practice"]:
        """The newest practices sharing a theme, completed by the category's newest.

        The newest sharing a theme are looked for among the RELATED_WINDOW newest practices
        first (read on the publication-date index), then among all only if too few were
        there: the result is the same, and PostgreSQL no longer joins every practice of a
        theme to sort them. The category's newest are read only when themes gave too few.
        """
        theme_ids = [theme.pk for theme in practice.themes.all()]
        others = (
            self.exclude(pk=practice.pk)
            .without_index()
            .select_related("category")
            .order_by("-published_at", "-pk")
        )
        sharing = Practice.themes.through.objects.filter(theme_id__in=theme_ids)
        sharing_ids = sharing.values("practice_id")
        recent = others.values("pk")[:RELATED_WINDOW]
        related = list(others.filter(pk__in=recent).filter(pk__in=sharing_ids)[:count])
        if len(related) < count:
            related = list(others.filter(pk__in=sharing_ids)[:count])
        if len(related) == count:
            return related
        same_category = others.filter(category_id=practice.category_id).exclude(
            pk__in=[other.pk for other in related]
        )[:count]
        return (related + list(same_category))[:count]


class Practice(ModerationMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("soumise")
        IN_REVIEW = "in_review", _("en cours de relecture")
        CHANGES_REQUESTED = "changes_requested", _("modifications demandées")
        PUBLISHED = "published", _("publiée")
        DECLINED = "declined", _("refusée")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("publique")
        MEMBERS = "members", _("réservée aux membres")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    # Blank only in drafts: the submission form requires it (PracticeForm).
    summary = models.TextField(
        _("en bref"),
        max_length=600,
        blank=True,
        help_text=_("Deux ou trois phrases qui donnent envie de lire."),
    )
    context = models.TextField(_("contexte : le problème de départ"), blank=True)
    actions = models.TextField(_("ce qui a été fait"), blank=True)
    setup_steps = models.TextField(_("comment la mettre en place : les étapes"), blank=True)
    setup_duration = models.CharField(_("temps nécessaire"), max_length=200, blank=True)
    setup_cost = models.CharField(_("coût"), max_length=200, blank=True)
    setup_people = models.CharField(_("personnes impliquées"), max_length=300, blank=True)
    results = models.TextField(_("résultats et impact"), blank=True)
    difficulties = models.TextField(_("difficultés et conseils"), blank=True)

    # Empty only in drafts, like the summary.
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="practices",
        verbose_name=_("catégorie"),
        null=True,
        blank=True,
    )
    themes = models.ManyToManyField(
        Theme, related_name="practices", blank=True, verbose_name=_("thèmes")
    )
    tags = models.ManyToManyField(
        Tag, related_name="practices", blank=True, verbose_name=_("mots-clés")
    )
    cooperatives = models.ManyToManyField(
        Cooperative, related_name="practices", verbose_name=_("coopératives qui la portent")
    )

    contact_name = models.CharField(_("contact : nom"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact : fonction"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact : adresse électronique"), blank=True)
    started_year = models.PositiveSmallIntegerField(
        _("année de mise en place"), null=True, blank=True
    )

    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("auteur·rice"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)

    # Moderation (moderation.py). A published practice stays online while a revision proposed
    # by its author waits in the queue: ``revision`` holds it, ``revision_status`` its state.
    revision = models.ForeignKey(
        "PracticeVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modification en attente"),
    )
    revision_status = models.CharField(
        _("état de la modification"), max_length=20, choices=Status.choices, blank=True, default=""
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prise en charge par"),
    )
    # Raised by every moderation step: a decision names the step it was taken on, so that
    # two moderators deciding at once produce a single decision.
    review_version = models.PositiveIntegerField(default=0, editable=False)
    moderation_message = models.TextField(_("message de la modération"), blank=True)
    deleted_at = models.DateTimeField(_("supprimée le"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supprimée par"),
    )

    # Normalised copies for sorting and searching, kept by save() and reindex().
    published_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    sort_title = models.CharField(max_length=200, editable=False, default="")
    search_title = models.TextField(editable=False, default="")
    # Ranking's tie-break (a shorter title says less else), kept beside the listing columns so
    # that ranking tens of thousands of matches reads the index, never the long rows.
    title_length = models.PositiveSmallIntegerField(editable=False, default=0)
    search_head = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    # Its page's body, rendered when it or what the body names changes (page_body.py).
    body_html = models.TextField(editable=False, default="")
    # Its card in a list without a query, rendered with the body, on the same writes.
    card_html = models.TextField(editable=False, default="")

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pratique")
        verbose_name_plural = _("pratiques")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Cover the lists, counts and ranking of what visitors and members may see.
            # Partial (live practices only): PostgreSQL then walks it in date order.
            models.Index(
                fields=["status", "visibility", "-published_at", "-id", "title_length"],
                name="practice_listing",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # The same for members, who see every visibility (lists, related practices).
            models.Index(
                fields=["status", "-published_at", "-id", "title_length"],
                name="practice_members_listing",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # A search's relevance ties (the shorter title, the newest), read in that order
            # for each level of a one-word search (search/fulltext.py, levels()).
            models.Index(
                fields=["status", "visibility", "title_length", "-published_at", "-id"],
                name="practice_relevance",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["status", "title_length", "-published_at", "-id"],
                name="practice_members_relevance",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["status", "published_year"]),
            models.Index(fields=["status", "sort_title"]),
            # The moderation queue (revisions of published practices) and the trash.
            models.Index(fields=["revision_status"], name="practice_revision_status"),
            models.Index(fields=["deleted_at"], name="practice_deleted_at"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.sort_title = fold(self.title)[:200]
        self.published_year = self.published_at.year if self.published_at else None
        self.search_title = index_text(self.title)
        self.title_length = len(self.search_title)
        super().save(*args, **kwargs)
        # Not a normalisation either: publishing, unpublishing, deleting or a new visibility
        # changes what the lists count, in the same transaction.
        self.refresh_facets()
        self.refresh_related()
        self.refresh_body()
        # Not a normalisation: its page, and the lists when what they show of it changed.
        forget_practice(self)

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        pk = self.pk
        self.deleted_at = self.deleted_at or timezone.now()
        self.refresh_facets()  # its counts go before its rows do
        self.refresh_related()
        result = super().delete(*args, **kwargs)
        forget_deleted_practice(pk)
        return result

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_editable_by_author(self) -> bool:
        """An author changes a draft, a submission sent back with requested changes, or proposes
        a revision of a published practice when none is waiting for a decision."""
        if self.status == self.Status.PUBLISHED:
            return self.revision_status not in AWAITING
        return self.status in {self.Status.DRAFT, self.Status.CHANGES_REQUESTED}

    @property
    def review_status(self) -> str:
        """The moderation state: of the revision for a published practice, else of the practice."""
        return self.revision_status if self.status == self.Status.PUBLISHED else self.status

    def get_review_status_display(self) -> str:
        return str(self.Status(self.review_status).label) if self.review_status else ""

    @property
    def is_awaiting_review(self) -> bool:
        return self.review_status in AWAITING

    def can_be_edited_by(self, user) -> bool:
        return user.is_authenticated and self.author_id == user.pk and self.is_editable_by_author

    def index_texts(self) -> tuple[str, str, str]:
        """The stems search keeps of this practice: title, head and body (indexing.py)."""
        cooperatives = self.cooperatives.select_related("departement__region")
        head = head_pieces(
            self, category=self.category, themes=self.themes.all(), tags=self.tags.all()
        )
        body = body_pieces(self, cooperatives=cooperatives)
        remember_words("\n".join([self.title, *head, *body]))
        return index_text(self.title), joined(head), joined(body)

    def refresh_facets(self) -> None:
        """Keep this practice's facet tokens and the lists' counts in step (facet_rows.py)."""
        facet_rows.refresh(self)

    def refresh_related(self) -> None:
        """Keep the newest practices of its themes and category in step (related.py)."""
        related.refresh(self)

    def refresh_body(self) -> None:
        """Render its page's body again, as it now reads (page_body.py)."""
        from observatoire.practices import page_body

        page_body.refresh(self.pk)

    def is_discoverable_by(self, user) -> bool:
        """``discoverable_by`` for one loaded practice."""
        return (
            self.status == self.Status.PUBLISHED
            and self.deleted_at is None
            and (self.is_public or (user.is_authenticated and user.is_member))
        )

    def related_for(self, user, *, count: int, chosen: Any = NOT_CHOSEN) -> list["Practice"]:
        """« Pratiques proches » this person may see, as ``related_to`` finds them, read from
        the lists kept on write (its themes prefetched); searched when those cannot tell.
        ``chosen``: what ``related.chosen()`` gave for them, when the caller has it already."""
        pks = related.chosen(self, user, count=count) if chosen is NOT_CHOSEN else chosen
        if pks is not None:
            found = {other.pk: other for other in related_by_pk(pks)}
            shown = [found[pk] for pk in pks if pk in found]
            if len(shown) == len(pks) and all(o.is_discoverable_by(user) for o in shown):
                return shown
        return Practice.objects.discoverable_by(user).related_to(self, count=count)

    def reindex(self) -> None:
        """Refresh the search index and the facets once the related themes, tags and
        cooperatives are set."""
        self.refresh_facets()
        self.refresh_related()
        self.refresh_body()
        self.search_title, self.search_head, self.search_body = self.index_texts()
        Practice.objects.filter(pk=self.pk).update(
            search_title=self.search_title,
            search_head=self.search_head,
            search_body=self.search_body,
        )
        forget_practice(self, index=f"{self.search_title}|{self.search_head}|{self.search_body}")

    @staticmethod
    def unique_slug(title: str) -> str:
        base = slugify(title)[:200] or "pratique"
        if base in RESERVED_SLUGS:
            base = f"{base}-pratique"
        slug, counter = base, 2
        while Practice.objects.filter(slug=slug).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug


# A page of practice cards (for_list()), compiled once per process (lib/prepared.py): the
# practices, then their cooperatives and themes through the link tables, a query each.
_cards = Prepared(
    lambda texts, pks: (
        Practice.objects.filter(pk__in=pks)
        .only(*CARD_FIELDS, *(CARD_TEXT_FIELDS if texts else ()))
        .select_related("category")
    ),
    shape=1,
    name="cards",
)
_card_cooperatives = Prepared(
    lambda pks: (
        Practice.cooperatives.through.objects.filter(practice_id__in=pks)
        .order_by("cooperative__name")
        .values_list(
            "practice_id",
            "cooperative__name",
            "cooperative__family",
            "cooperative__departement__name",
        )
    ),
    name="card_cooperatives",
)
_card_themes = Prepared(
    lambda pks: (
        Practice.themes.through.objects.filter(practice_id__in=pks)
        .order_by("theme__category__position", "theme__position", "theme__name")
        .values_list("practice_id", "theme__slug", "theme__name")
    ),
    name="card_themes",
)


@dataclass(frozen=True)
class CardCooperative:
    name: str
    family: str
    departement: str


@dataclass(frozen=True)
class CardTheme:
    slug: str
    name: str


def cards_by_pk(pks: list[int], *, texts: bool = False) -> dict[int, "Practice"]:
    """The practices of a page of cards by pk, with what a card shows of their cooperatives
    (``card_cooperatives``) and themes (``card_themes``), in the order their pages list them:
    three prepared queries, values rather than model instances."""
    if not pks:
        return {}
    practices = {practice.pk: practice for practice in _cards(texts, pks)}
    found = list(practices)
    cooperatives: dict[int, list] = {pk: [] for pk in found}
    for pk, name, family, departement in _card_cooperatives(found):
        cooperatives[pk].append(CardCooperative(name, family, departement))
    themes: dict[int, list] = {pk: [] for pk in found}
    for pk, slug, name in _card_themes(found):
        themes[pk].append(CardTheme(slug, name))
    for pk, practice in practices.items():
        practice.card_cooperatives = cooperatives[pk]  # type: ignore[attr-defined]
        practice.card_themes = themes[pk]  # type: ignore[attr-defined]
    return practices


# « Pratiques proches » by their pks, compiled once per process (lib/prepared.py).
related_by_pk = Prepared(
    lambda pks: (
        Practice.objects.filter(pk__in=pks).select_related("category").only(*RELATED_FIELDS)
    ),
    name="related_by_pk",
)


class PracticeFacet(models.Model):
    """One facet token of a published practice (« theme:gouvernance »): facet_rows.py."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="facet_rows")
    token = models.CharField(max_length=120)
    public = models.BooleanField()
    # The practice's, so that a list filtered on several values is read in date order from
    # this table's index alone, without the practice table (practices/listing.py).
    published_at = models.DateTimeField(null=True)
    # Every token of the practice (the same list on each of its rows): a list filtered on
    # several values reads the rows of one and checks the others here, in the index, instead
    # of looking each one up (practices/listing.py, ``Carries``).
    tokens = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "token"], name="practice_facet_unique")
        ]
        # Everything a list reads of a token's rows is in an index: the practices a visitor
        # may see carrying it, newest first, and (for a list filtered on several values) their
        # other tokens, never read from the table. The narrow index serves what does not need
        # the tokens (a search's count reads every year row): a fifth of the size to go through.
        indexes = [
            models.Index(
                fields=["token", "published_at", "practice", "public", "tokens"],
                name="practice_facet_token_carries",
            ),
            models.Index(
                fields=["token", "published_at", "practice", "public"],
                name="practice_facet_token_date",
            ),
        ]

    def __str__(self) -> str:
        return self.token


class PracticeSearchRow(models.Model):
    """PostgreSQL only: one narrow row for each published practice, with its whole-text vector
    (``vector``, a column the ORM does not know), whether visitors see it and its facet
    tokens, so that a search counts its results and their facets from this table and its
    index alone (practices/listing.py).

    Counting on the practice table read each match's row, wide with its texts: twelve
    megabytes here against two hundred there, and a planner that, not knowing what reading a
    large vector from TOAST costs, went through the rows testing it (« scic » in one category:
    66 to 250 ms, now 7). SQLite's counterpart is its FTS5 table, whose index gives the ids.

    Triggers keep it (migration 0021): a practice's year facet row (every published practice
    has one, practices/facet_rows.py) writes or deletes it, with the practice's tokens;
    a change of the practice's text copies its new vector. It stays empty on SQLite."""

    practice = models.OneToOneField(
        Practice, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    public = models.BooleanField()
    tokens = models.JSONField(default=list)
    # Copied from the practice by the same triggers (migration 0022), with its small vector
    # (``rank_vector``, title and head: a column the ORM does not know): a search ranks these
    # rows, a few hundred bytes each and all in memory, instead of the practices', wide with
    # their texts, each read from the disk's cache in turn (practices/listing.py).
    search_title = models.TextField(default="")
    title_length = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            # A one-word search's levels, read in the order of its ties (search/fulltext.py).
            models.Index(
                fields=["public", "title_length", "-published_at", "-practice"],
                name="searchrow_relevance",
            ),
            models.Index(
                fields=["title_length", "-published_at", "-practice"],
                name="searchrow_members_relevance",
            ),
        ]

    def __str__(self) -> str:
        return str(self.practice_id)


class PracticeLink(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("intitulé"), max_length=200)
    url = models.URLField(_("adresse"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("lien")
        verbose_name_plural = _("liens")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """A document or an image joined to a practice, its type checked on content (uploads.py).

    An upload waits without a practice while its form is corrected, owned by the person who sent
    it, so a validation error never loses a file.
    """

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(_("fichier"), upload_to="pratiques/%Y/%m/")
    original_name = models.CharField(_("nom d'origine"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, editable=False, default="")
    size = models.PositiveIntegerField(editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("document joint")
        verbose_name_plural = _("documents joints")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title
