"""The demo's, the tests' and the benchmarks' settings: production's (backoffice.settings, from the
environment as ever) plus the Salesforce emulator and the benchmark commands.

The emulator is a room apart: production settings never install it, the image does not ship it, and no
product code imports it. `make run` (backoffice.demo_runner) and pytest (pyproject.toml) choose this module;
`manage.py run_salesforce_emulator` and `manage.py bench_sync` need it
(DJANGO_SETTINGS_MODULE=backoffice.settings_dev)."""

from backoffice.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "salesforce_emulator", "bench"]  # noqa: F405
