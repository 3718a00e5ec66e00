"""Configuration classes, read from the environment.

``LEADUP_ENV`` picks the class: ``development`` (the default, for ``make run``),
``production`` or ``testing``. Production refuses to start without ``SECRET_KEY``.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {}
    COURSE_DIR = os.environ.get("COURSE_DIR", str(ROOT / "course"))
    STATIC_DIR = str(ROOT / "static")
    SIMS_DIR = str(ROOT / "sims")
    # Reload the course when its files change (development only).
    COURSE_AUTO_RELOAD = True
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's; see generate_password_hash
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: no lost forms
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Live workshops: with several workers or hosts, events pass through this Redis (optional).
    LIVE_REDIS_URL = os.environ.get("LIVE_REDIS_URL") or None
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    PASSWORD_RESET_HOURS = 72
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # CSV uploads and forms
    SEND_FILE_MAX_AGE_DEFAULT = 3600


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or "development-only-not-secret"


class ProductionConfig(Config):
    ENV_NAME = "production"
    COURSE_AUTO_RELOAD = False
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    COURSE_AUTO_RELOAD = False
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "1000 per minute"
    # Test accounts are made by the hundred: a real but quick hash (the site's own is scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_env():
    """The config class named by ``LEADUP_ENV`` (default ``development``)."""
    name = os.environ.get("LEADUP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"LEADUP_ENV={name!r}: expected one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
