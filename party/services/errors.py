from core.errors import ServiceError


class PartyError(ServiceError):
    """A refused action of the party agencies pillar, with a message for the user (translated)."""
