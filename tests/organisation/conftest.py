from __future__ import annotations

import pytest

from organisation.models import OrgRole
from tests.factories import give_role, make_user


@pytest.fixture
def admin(org):
    """Ada administers the organisation (a role, not Django's staff flag)."""
    ada = make_user("ada", first_name="Ada", last_name="Min")
    give_role(ada, OrgRole.Role.ADMINISTRATOR)
    return ada
