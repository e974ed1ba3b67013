import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (setting up data, checking results) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def login(page, live_server):
    def _login(username, password="pass-1234"):  # noqa: S107 - the factories' test password
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        # Wait for the POST's own navigation: a goto() right after a bare click can cancel the login.
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state()

    return _login
