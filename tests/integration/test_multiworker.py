"""Several workers share one limit on sign-in attempts through Redis (127.0.0.1:6379)."""
import uuid

import pytest
import redis

from app import create_app
from app.config import TestingConfig
from app.extensions import db
from tests.conftest import Factory, csrf_token, isolate_requests

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at 127.0.0.1:6379 ({exc}); see README 'Configuration'")
    return REDIS_URL


def test_login_limit_is_shared_between_workers(tmp_path, redis_url):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/shared.sqlite",
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"leadup-test-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "4 per minute",
    }
    workers = [isolate_requests(create_app(type("W", (TestingConfig,), settings))) for _ in range(2)]
    with workers[0].app_context():
        db.create_all()
        Factory(db).user(email="ann@example.org")
        db.session.remove()
    statuses = []
    for attempt in range(6):
        app = workers[attempt % 2]  # alternate, as a load balancer would
        with app.app_context():
            client = app.test_client()
            token = csrf_token(client)
            response = client.post("/login", data={"email": "ann@example.org", "password": "wrong", "csrf_token": token})
            statuses.append(response.status_code)
            db.session.remove()
    # Each worker alone saw 3 attempts, under its limit of 4: only a shared count refuses the 5th.
    assert statuses == [200, 200, 200, 200, 429, 429]
    for app in workers:
        with app.app_context():
            db.engine.dispose()
