from agence.db import session_scope
from agence.services.admin import auth
from tests.factories import make_user, sign_in


def test_a_user_signs_in_on_a_migrated_database(session):
    user = make_user(session)
    token = sign_in(user)
    with session_scope() as s:
        assert auth.resolve_actor(s, token).user_id == user.id
