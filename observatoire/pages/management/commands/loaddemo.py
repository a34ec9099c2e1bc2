"""Load the network, the taxonomy, the demo practices and one demo account per role."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from observatoire.accounts.models import Role, User
from observatoire.community.models import Adoption, Comment, Follow
from observatoire.network.models import Cooperative, Organisation
from observatoire.practices.importer import import_practices
from observatoire.practices.models import Category, Practice

DEMO_FILE = Path(__file__).resolve().parents[3] / "practices" / "fixtures" / "demo.json"
DEMO_PASSWORD = "demo-observatoire"


class Command(BaseCommand):
    help = "Charge le réseau, les catégories, les pratiques de démonstration et les comptes."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        call_command("loaddata", "network", "taxonomy", verbosity=0)
        report = import_practices(DEMO_FILE.read_bytes())
        self.stdout.write(
            f"Pratiques de démonstration : {report.practices_created} créées, "
            f"{report.practices_updated} mises à jour."
        )
        for email, _name, role in self.accounts():
            self.stdout.write(f"  {role.label:<36} {email:<36} {DEMO_PASSWORD}")
        self.activity()

    def activity(self) -> None:
        """A little life for the demo accounts, once: a submission waiting in the moderators'
        queue, a draft, a comment with its answer, an adoption and a followed category."""
        member = User.objects.get(email="membre@demo.coop")
        permanent = User.objects.get(email="permanent@demo.coop")
        cooperative = member.cooperative
        if cooperative is None or Practice.objects.filter(author=member).exists():
            return
        category = Category.objects.order_by("pk").first()
        submitted = Practice.objects.create(
            title="Un tableau partagé des heures de chacun",
            slug=Practice.unique_slug("Un tableau partagé des heures de chacun"),
            summary="Chaque associé voit les heures de tous : la charge se répartit mieux.",
            actions="Un tableau mis à jour chaque vendredi, lu ensemble le lundi.",
            category=category,
            author=member,
        )
        submitted.cooperatives.set([cooperative])
        submitted.reindex()
        submitted.submit(by=member)
        draft = Practice.objects.create(
            title="Idée : un parrainage des nouveaux associés",
            slug=Practice.unique_slug("Idée : un parrainage des nouveaux associés"),
            author=member,
        )
        draft.cooperatives.set([cooperative])
        published = Practice.objects.published().order_by("-published_at").first()
        if published is not None:
            question = Comment.objects.create(
                practice=published,
                author=member,
                body="Combien de temps avez-vous mis pour que chacun s'y retrouve ?",
            )
            Comment.objects.create(
                practice=published,
                author=permanent,
                parent=question,
                kind=Comment.Kind.FEEDBACK,
                body="D'après la coopérative, six mois environ, avec deux formations.",
            )
            Adoption.objects.get_or_create(
                practice=published,
                cooperative=cooperative,
                defaults={"declared_by": member, "feedback": "Adoptée l'an dernier : ça marche."},
            )
        if category is not None:
            Follow.objects.get_or_create(user=member, category=category)
        self.stdout.write("Activité de démonstration : une soumission, un brouillon, un échange.")

    def accounts(self) -> list[tuple[str, str, Role]]:
        cooperative = Cooperative.objects.order_by("pk").first()
        union = (
            cooperative.union
            if cooperative
            else Organisation.objects.filter(kind=Organisation.Kind.UNION).first()
        )
        people = [
            ("membre@demo.coop", "Camille Membre", Role.MEMBER, {"cooperative": cooperative}),
            (
                "admin-coop@demo.coop",
                "Dominique Gérante",
                Role.COOPERATIVE_ADMIN,
                {"cooperative": cooperative},
            ),
            ("permanent@demo.coop", "Sacha Délégué", Role.PERMANENT, {"organisation": union}),
            ("moderateur@demo.coop", "Alex Modératrice", Role.MODERATOR, {"organisation": union}),
            (
                "administrateur@demo.coop",
                "Claude Administrateur",
                Role.ADMINISTRATOR,
                {"is_staff": True, "is_superuser": True},
            ),
        ]
        self.stdout.write(
            self.style.SUCCESS("Comptes de démonstration (rôle, adresse, mot de passe) :")
        )
        self.stdout.write(f"  {'visiteur·euse':<36} {'(sans compte)':<36}")
        for email, name, role, extra in people:
            assert isinstance(extra, dict)
            user, _created = User.objects.update_or_create(
                email=email,
                defaults={
                    "full_name": name,
                    "role": role,
                    "email_verified_at": timezone.now(),
                    **extra,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        return [(email, name, role) for email, name, role, _extra in people]
