from django.core.management.base import BaseCommand

from core.users import roles
from core.users.demo import PERSONAS


class Command(BaseCommand):
    help = "Print the demo accounts as a table (email, role); the password is in core/users/demo.py. Local use only."

    def handle(self, *args, **options):
        from core.users.models import User

        existing = set(User.objects.filter(email__in=[p.email for p in PERSONAS]).values_list("email", flat=True))
        width = max(len(p.email) for p in PERSONAS)
        self.stdout.write(f"{'email'.ljust(width)}  role")
        for persona in PERSONAS:
            label = f"{persona.role} ({roles.LABELS[persona.role]})"
            note = "" if persona.email in existing else "  [not created yet: run seed_demo]"
            self.stdout.write(f"{persona.email.ljust(width)}  {label}{note}")
        from django.conf import settings

        if settings.PORTAL_VNEID_DEV_IDP and settings.PORTAL_VNEID_ISSUER:
            from core.users.vneid_dev.views import identities

            # Citizens can also sign in with "VNeID": the local test provider lists these identities.
            self.stdout.write("\nVNeID (local test provider, button on the sign-in page):")
            for person in identities():
                self.stdout.write(f"  {person['citizen_id']}  {person['name']}  {person['birthdate']}")
