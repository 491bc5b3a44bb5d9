"""A local OpenID Connect identity provider standing in for VNeID in development and tests only
(settings.PORTAL_VNEID_DEV_IDP, never on in production): `make run` and the test suite sign citizens in
through the same allauth flow, real redirects and a real token exchange as with VNeID, without the
internet. Test identities are in identities.json; any well-formed test identity can also be typed."""
