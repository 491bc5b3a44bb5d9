"""VNeID sign-in (allauth's social-account and OpenID Connect URLs) and the local test identity
provider (development and tests only). The flows themselves: tests/core/test_vneid.py."""

from tests.url_matrix import AUTH, PUBLIC, SKIP, Rule

VNEID = {"provider_id": "vneid"}

RULES = [
    # GET shows the "continue to VNeID" confirmation; the login page's button POSTs.
    Rule("openid_connect_login", PUBLIC, kwargs=VNEID),
    Rule("openid_connect_callback", SKIP("needs a provider's answer; tested in tests/core/test_vneid.py")),
    Rule("socialaccount_connections", AUTH),
    Rule("socialaccount_login_cancelled", PUBLIC),
    Rule("socialaccount_login_error", SKIP("the failure page answers 401; tested in tests/core/test_vneid.py")),
    Rule("socialaccount_signup", SKIP("only during a first VNeID sign-in; tested in tests/core/test_vneid.py")),
    Rule("vneid_dev:discovery", PUBLIC),
    Rule("vneid_dev:jwks", PUBLIC),
    Rule("vneid_dev:authorize", SKIP("needs a registered client's parameters; tested in tests/core/test_vneid.py")),
    Rule("vneid_dev:token", SKIP("POST only, client secret; tested in tests/core/test_vneid.py")),
    Rule("vneid_dev:userinfo", SKIP("needs an access token; tested in tests/core/test_vneid.py")),
]
