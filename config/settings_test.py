"""Test settings: the real settings, with fast hashing, an in-process cache and immediate tasks."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Immediate is django-tasks' own backend that runs the task in the enqueuing process; the
# database worker is exercised in tests/test_worker.py.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "test-evidence"},  # noqa: F405
    },
}
# Thousands of tests sign in with force_login: two-factor enforcement is switched on only by the
# tests that prove it (tests/test_accounts.py, tests/accounts/, with override_settings).
ANTQ_2FA_REQUIRED = False
