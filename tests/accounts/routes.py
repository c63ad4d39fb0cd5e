"""Access-matrix expectations of the account-security routes (see tests/test_access_matrix.py).

Two-factor enforcement is off in the test settings, so a persona without an authenticator reaching
the code page is sent on (302); tests/accounts/test_twofactor.py proves the gate itself.
A managed user is built holding a commune leader's role on the case's node.
"""

from __future__ import annotations

from typing import Any

from antq.accounts.roles import Role
from tests import factories as f
from tests.matrix import Route

COMMUNES = ("commune", "province", "sibling_commune", "other_commune")


def _user(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": f.user_with_role("nguoi.moi", Role.COMMUNE_LEADER, getattr(tree, where)).pk}


def _reset_link(personas: dict[str, Any], tree: Any, where: str) -> dict[str, str]:
    # A link that is not valid: the page answers (saying so) to anyone, signed in or not.
    return {"uidb64": "MQ", "token": "khong-hop-le"}


ROUTES: dict[str, Route] = {
    "accounts:otp_verify": Route("view", ok=(200, 302)),
    "accounts:otp_setup": Route("view"),
    "accounts:otp_disable": Route("view", method="post", ok=(302,)),
    "accounts:account": Route("view"),
    "accounts:password_change": Route("view"),
    "accounts:password_reset": Route("view", public=True),
    "accounts:password_reset_done": Route("view", public=True),
    "accounts:password_reset_confirm": Route("view", target=_reset_link, where=("nation",), public=True),
    "accounts:password_reset_complete": Route("view", public=True),
    "accounts:user_login_history": Route("membership_manage", target=_user, where=COMMUNES),
    "accounts:user_reset_2fa": Route(
        "membership_manage", target=_user, where=COMMUNES, method="post", ok=(302,)
    ),
}
