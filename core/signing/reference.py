"""Reference data of core.signing: the provincial test CA, created here (idempotent) so that it exists
before anyone downloads it. `manage.py load_reference_data` runs at every `make run`, at provisioning
and at the start of the test session; the first signing (a POST or a task) would also create it, but a
GET of `signing:ca-certificate` only reads."""

from core.management.commands.load_reference_data import register_reference_loader


@register_reference_loader
def load(stdout=None) -> None:
    from core.signing.services import signing_ca_get_or_create

    ca = signing_ca_get_or_create()
    if stdout is not None:
        stdout.write(f"signing: CA sha256={ca.fingerprint_sha256}")
