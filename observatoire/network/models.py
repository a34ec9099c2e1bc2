"""The network as data: organisations of the movement, territories and cooperatives.

The Confédération, the 13 Unions régionales and the 3 fédérations are rows loaded from fixtures
(network/fixtures/network.json) that staff edit in the admin; nothing branches on their names.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observatoire.lib.identifiers import normalise_siren, validate_siren, validate_siret
from observatoire.lib.numbers import parse_int
from observatoire.lib.urls import reverse


class Organisation(models.Model):
    """A body of the movement whose permanents animate and moderate."""

    class Kind(models.TextChoices):
        CONFEDERATION = "confederation", _("Confédération")
        UNION = "union", _("Union régionale")
        FEDERATION = "federation", _("Fédération")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=200, unique=True)
    short_name = models.CharField(_("nom court"), max_length=80)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("organisation du Mouvement")
        verbose_name_plural = _("organisations du Mouvement")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Region(models.Model):
    """An administrative région (code INSEE)."""

    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """A département; its Union régionale is the territory it belongs to in the movement."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région")
    )
    union = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="departements",
        limit_choices_to={"kind": Organisation.Kind.UNION},
        verbose_name=_("Union régionale"),
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Sector(models.Model):
    """A section of the French activity nomenclature (NAF rév. 2, sections A to U)."""

    code = models.CharField(_("section"), max_length=1, unique=True)
    name = models.CharField(_("intitulé"), max_length=200)
    first_division = models.PositiveSmallIntegerField(_("première division"))
    last_division = models.PositiveSmallIntegerField(_("dernière division"))

    class Meta:
        verbose_name = _("secteur d'activité")
        verbose_name_plural = _("secteurs d'activité")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_naf_code(cls, naf_code: str) -> "Sector | None":
        """The section of a NAF code, found from its division (its first two digits)."""
        division = parse_int(naf_code[:2])
        if division is None:
            return None
        return cls.objects.filter(first_division__lte=division, last_division__gte=division).first()


class CooperativeQuerySet(models.QuerySet):
    def with_card(self) -> "CooperativeQuerySet":
        """What a cooperative card shows, fetched with the cooperative."""
        return self.select_related("union", "federation", "departement__region", "sector")

    def named(self, text: str) -> "CooperativeQuerySet":
        """Those whose name holds every word of ``text`` (case aside), the shortest names
        first: the closest to what was typed."""
        found = self
        for word in text.split()[:8]:
            found = found.filter(name__icontains=word)
        return found.order_by(Length("name"), "name", "pk")

    def listed(self) -> "CooperativeQuerySet":
        """Those the directory shows: not archived."""
        return self.filter(archived_at__isnull=True)


naf_validator = RegexValidator(
    r"^\d{2}\.\d{2}[A-Z]$",
    _("Un code NAF s'écrit comme 62.01Z (deux chiffres, un point, deux chiffres, une lettre)."),
)


class LocationPrecision(models.TextChoices):
    COMMUNE = "commune", _("centre de la commune")
    EXACT = "exact", _("point placé à la main")


class Cooperative(models.Model):
    """A Scop, a Scic or a CAE of the network."""

    class Family(models.TextChoices):
        SCOP = "scop", _("Scop")
        SCIC = "scic", _("Scic")
        CAE = "cae", _("CAE")

    class CompanyForm(models.TextChoices):
        SA = "sa", _("SA")
        SARL = "sarl", _("SARL")
        SAS = "sas", _("SAS")

    class Headcount(models.TextChoices):
        # INSEE headcount bands, grouped as the movement reports them.
        FROM_0_TO_4 = "0-4", _("moins de 5 salariés")
        FROM_5_TO_9 = "5-9", _("5 à 9 salariés")
        FROM_10_TO_19 = "10-19", _("10 à 19 salariés")
        FROM_20_TO_49 = "20-49", _("20 à 49 salariés")
        FROM_50_TO_99 = "50-99", _("50 à 99 salariés")
        FROM_100_TO_249 = "100-249", _("100 à 249 salariés")
        FROM_250 = "250+", _("250 salariés et plus")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    family = models.CharField(_("statut coopératif"), max_length=4, choices=Family.choices)
    company_form = models.CharField(
        _("forme de société"), max_length=4, choices=CompanyForm.choices
    )
    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    siret = models.CharField(
        _("SIRET du siège"), max_length=14, blank=True, validators=[validate_siret]
    )
    union = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cooperatives",
        limit_choices_to={"kind": Organisation.Kind.UNION},
        verbose_name=_("Union régionale"),
    )
    federation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="federated_cooperatives",
        limit_choices_to={"kind": Organisation.Kind.FEDERATION},
        verbose_name=_("fédération"),
    )
    # Its head office's street line (« 12 rue des Lilas »), as the SIRENE register writes it.
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.CharField(_("commune"), max_length=120)
    # Where it is: its commune's INSEE code, and a position (network/geocoding.py, offline).
    commune_code = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_precision = models.CharField(
        _("précision de la position"),
        max_length=8,
        choices=LocationPrecision.choices,
        blank=True,
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="cooperatives",
        verbose_name=_("département"),
    )
    naf_code = models.CharField(_("code NAF"), max_length=6, validators=[naf_validator])
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="cooperatives", verbose_name=_("secteur")
    )
    headcount = models.CharField(_("effectif"), max_length=8, choices=Headcount.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("année de création"), validators=[MinValueValidator(1830), MaxValueValidator(2100)]
    )
    website = models.URLField(_("site web"), blank=True)
    # Checked and re-encoded like a practice's images (practices/uploads.py), served by
    # directory.views.cooperative_logo.
    logo = models.FileField(_("logo"), upload_to="logos/%Y/", blank=True)
    description = models.TextField(_("présentation"), blank=True)
    # Its contact: members see it; visitors only when the cooperative chose to show it.
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    contact_public = models.BooleanField(
        _("contact visible de tout le monde"),
        default=False,
        help_text=_("Sinon, seuls les membres connectés voient le courriel et le téléphone."),
    )
    # What the network's programmes know of it, shown on its page and filtered on.
    ambassador = models.BooleanField(_("ambassadrice du réseau"), default=False)
    offers_mentoring = models.BooleanField(_("prête à parrainer"), default=False)
    seeks_mentoring = models.BooleanField(_("cherche un parrainage"), default=False)
    added_at = models.DateTimeField(_("inscrite à l'annuaire le"), default=timezone.now)
    # Closed in the SIRENE register (importcooperatives): flagged on its page, never deleted.
    closed_on = models.DateField(_("fermée au registre le"), null=True, blank=True)
    archived_at = models.DateTimeField(
        _("archivée le"),
        null=True,
        blank=True,
        help_text=_("Une coopérative qui a quitté le réseau est archivée, jamais supprimée."),
    )
    # What the directory reads, written by directory_index.refresh() on every save: the name as
    # it sorts in French, the stems search matches, and the facet tokens lists filter on.
    sort_name = models.CharField(max_length=200, default="", editable=False)
    search_title = models.TextField(default="", editable=False)
    search_head = models.TextField(default="", editable=False)
    search_body = models.TextField(default="", editable=False)
    tokens = models.JSONField(default=list, editable=False)

    objects = CooperativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("coopérative")
        verbose_name_plural = _("coopératives")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["union", "family"]),
            models.Index(fields=["sort_name", "id"], name="cooperative_sort_name"),
            models.Index(fields=["added_at", "id"], name="cooperative_added_at"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        before = getattr(self, "_located_from", None)
        if (
            self.location_precision == LocationPrecision.COMMUNE
            and before is not None
            and before != self._location()
        ):
            # Moved to another commune: placed again, or unplaced if it cannot be found.
            self.location_precision = ""
            self.latitude = self.longitude = None
        if not self.location_precision:
            self.locate()
        super().save(*args, **kwargs)
        self._located_from = self._location()
        # Not a normalisation: what the directory counts and finds changes with it, in the
        # same transaction.
        self.refresh_index()

    def get_absolute_url(self) -> str:
        return reverse("directory:cooperative_detail", kwargs={"slug": self.slug})

    # Where it was placed from, as loaded: a commune changed since (in the admin, by hand) moves
    # a cooperative placed at its commune's centre; a point placed by hand stays.
    LOCATED_FROM = ("commune_code", "postcode", "commune")

    @classmethod
    def from_db(cls, *args, **kwargs):
        instance = super().from_db(*args, **kwargs)
        instance._located_from = instance._location()
        return instance

    def _location(self) -> tuple | None:
        """Its commune fields, None when one of them was not loaded."""
        loaded = self.__dict__
        if any(name not in loaded for name in self.LOCATED_FROM):
            return None
        return tuple(loaded[name] for name in self.LOCATED_FROM)

    def refresh_index(self) -> None:
        """Keep its search stems, facet tokens and the directory's counts in step."""
        from observatoire.network import directory_index

        directory_index.refresh(self)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def naf_label(self) -> str:
        """Its activity in words (NAF rév. 2): « Travaux de menuiserie bois et PVC »."""
        from observatoire.network import naf

        return naf.label(self.naf_code)

    @property
    def register_url(self) -> str:
        """Its page in the public register of companies (Annuaire des entreprises, État)."""
        return f"https://annuaire-entreprises.data.gouv.fr/entreprise/{self.siren}"

    @property
    def legal_form_label(self) -> str:
        return f"{self.get_family_display()} {self.get_company_form_display()}"

    def clean(self) -> None:
        self.siren = normalise_siren(self.siren or "")
        self.siret = normalise_siren(self.siret or "")
        if self.siret and self.siren and not self.siret.startswith(self.siren):
            raise ValidationError(
                {"siret": _("Le SIRET du siège commence par le SIREN de la coopérative.")}
            )
        self.naf_code = (self.naf_code or "").strip().upper()
        if self.naf_code and not self.sector_id:
            sector = Sector.for_naf_code(self.naf_code)
            if sector is None:
                raise ValidationError(
                    {
                        "naf_code": _(
                            "Ce code NAF ne correspond à aucune section de la nomenclature."
                        )
                    }
                )
            self.sector = sector
        if self.departement_id and not self.union_id:
            self.union_id = self.departement.union_id

    def locate(self) -> bool:
        """Find its commune, offline, and place it at the commune's centre (a point placed by
        hand stays): by its INSEE code, else by its postcode and commune name, else by the
        name within its département. Whether it was found; nothing changes if not."""
        from observatoire.network import geocoding

        found = geocoding.find(code=self.commune_code, postcode=self.postcode, name=self.commune)
        if found is None and self.departement_id:
            found = geocoding.named_in(self.departement.code, self.commune)
        if found is None:
            return False
        self.commune_code, self.commune = found.code, found.name
        if not self.postcode and len(found.postcodes) == 1:  # else the address must say which
            self.postcode = found.postcodes[0]
        if self.location_precision != LocationPrecision.EXACT and found.placed:
            self.latitude, self.longitude = found.latitude, found.longitude
            self.location_precision = LocationPrecision.COMMUNE
        return True

    def place_exactly(self, *, latitude: float, longitude: float) -> None:
        """Its exact position, placed by a permanent or its administrator: in France (overseas
        départements included), or a ValidationError that says so."""
        from observatoire.network import geocoding

        if not geocoding.in_france(latitude, longitude):
            raise ValidationError(
                _("Ce point n'est pas en France : placez la coopérative sur la carte de France.")
            )
        self.latitude, self.longitude = latitude, longitude
        self.location_precision = LocationPrecision.EXACT
        self.save(update_fields=["latitude", "longitude", "location_precision"])


class CooperativeFacet(models.Model):
    """One facet token of a cooperative the directory lists (« region:53 »): its rows are read
    like practices' (search/facets.py), directory_index.py writes them."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="facet_rows"
    )
    token = models.CharField(max_length=120)
    # The cooperative's, so that a filtered list is read in name order from the index alone.
    sort_name = models.CharField(max_length=200)
    # Every token of the cooperative: the other filters are checked here, in the index.
    tokens = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "token"], name="cooperative_facet_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["token", "sort_name", "cooperative", "tokens"],
                name="cooperative_facet_carries",
            )
        ]

    def __str__(self) -> str:
        return self.token


class CooperativeVersion(models.Model):
    """What a cooperative's page said after one edit, kept forever: who changed it, when, and
    the values of every field a person edits (``directory/editing.py``, EDITABLE). Like a
    practice's versions: history is never rewritten."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperative_versions",
    )
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)
    changed = models.JSONField(default=list)  # the fields this edit changed

    class Meta:
        verbose_name = _("version d'une coopérative")
        verbose_name_plural = _("versions des coopératives")
        ordering = ["cooperative", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="cooperative_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cooperative} v{self.number}"
