from django.core.management.base import BaseCommand

from core.signing.services import signing_ca_get_or_create


class Command(BaseCommand):
    help = "Create the provincial test CA if it does not exist (idempotent) and print its fingerprint."

    def add_arguments(self, parser):
        parser.add_argument("--export", metavar="PATH", help="also write the CA certificate (PEM) to PATH")

    def handle(self, *args, export=None, **options):
        ca = signing_ca_get_or_create()
        if export:
            with open(export, "w", encoding="ascii") as fh:
                fh.write(ca.certificate_pem)
        self.stdout.write(f"CA {ca.common_name} sha256={ca.fingerprint_sha256} valid until {ca.not_after:%Y-%m-%d}")
