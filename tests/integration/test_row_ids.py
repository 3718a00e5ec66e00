"""An id in an address too large for the database's ``integer`` is simply not found, on both
databases (PostgreSQL would otherwise answer a database error, a 500)."""
import pytest

PATHS = ["/cohorts/99999999999", "/cohorts/99999999999/gradebook", "/discussions/99999999999",
         "/scenarios/99999999999", "/quizzes/attempts/99999999999", "/deliberations/attempts/99999999999"]


@pytest.fixture
def app_config(backend_config):
    return backend_config


def test_an_id_too_large_for_the_database_is_not_found(client, auth, make):
    auth.login(make.user("admin"))
    assert {path: client.get(path).status_code for path in PATHS} == {path: 404 for path in PATHS}
    assert client.get("/cohorts/2147483647").status_code == 404  # the largest id: looked up, not there


def test_a_too_large_id_is_not_found_whatever_the_method(client, auth, make):
    """Not 405: werkzeug would answer that when the id fails one method's rule but fits another's."""
    auth.login(make.user("admin"))
    headers = {"X-CSRFToken": auth.token()}
    for number in ("2147483648", "99999999999"):
        assert client.delete(f"/api/scenarios/{number}", headers=headers).status_code == 404
        assert client.get(f"/api/scenarios/{number}").status_code == 404
    assert client.delete("/api/scenarios/2147483647", headers=headers).status_code == 404  # matched, not there


@pytest.mark.parametrize("limit", [0, 7, 10, 99, 100, 307, 2**31 - 1])
def test_the_id_pattern_takes_exactly_the_numbers_up_to_its_limit(limit):
    import re

    from app import digits_at_most

    pattern = re.compile(f"(?:{digits_at_most(limit)})")
    numbers = list(range(0, 2000)) + [limit - 1, limit, limit + 1, limit * 10, 2**31 - 1, 2**31, 10**11]
    assert [n for n in numbers if n >= 0 and bool(pattern.fullmatch(str(n))) != (n <= limit)] == []
