"""Fault injection: a Redis server of the test's own (never the machine's shared one) it can stop."""

import shutil
import socket
import subprocess
import time

import pytest

from config.celery import app
from tests.api.conftest import api  # noqa: F401 - shared fixture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            # shutil.which: the server from PATH, as CI installs it.
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def use_broker(url: str) -> str:
    """Point the Celery app at another broker and drop the pooled connections to the old one."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


@pytest.fixture
def private_redis(tmp_path, settings):
    """A redis-server on a free port, used as the cache (rate limits) and the Celery broker."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    previous = use_broker(redis.url)
    yield redis
    use_broker(previous)
    redis.stop()
