"""Load the network, the taxonomy, the demo practices and one demo account per role."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from observatoire.accounts.models import Role, User
from observatoire.network.models import Cooperative, Organisation
from observatoire.practices.importer import import_practices

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
                email=email, defaults={"full_name": name, "role": role, **extra}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        return [(email, name, role) for email, name, role, _extra in people]
