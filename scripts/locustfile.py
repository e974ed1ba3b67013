"""Load test of the two public hot paths, run by `manage.py bench` against gunicorn on 127.0.0.1 only.

Citizens track a petition (code + access key, POSTed to the API) three times as often as they file one
(the JSON API, which runs the same petition_submit as the form). The codes are those seed_city gave
a known access key (BENCH_SAMPLE of them).
"""

import os
import random

from locust import FastHttpUser, constant, task

SAMPLE = int(os.environ.get("BENCH_SAMPLE", "1000"))
UNIT = os.environ.get("BENCH_UNIT", "phuong-001")
KEY = os.environ.get("BENCH_KEY", "BENCHKEY")


def tracking_code(i: int) -> str:
    h = f"{(i * 2654435761) % (1 << 40):010X}"
    return f"{h[:4]}-{h[4:8]}-{h[8:]}"


class Citizen(FastHttpUser):
    wait_time = constant(0)

    @task(3)
    def track(self):
        code = tracking_code(random.randint(1, SAMPLE))  # noqa: S311 - load generation
        # The key goes in the body, never in the address (the API: no CSRF token to fetch first).
        body = {"code": code, "key": KEY}
        with self.client.post("/api/v1/petitions/track/", json=body, name="tracking lookup", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")

    @task(1)
    def file(self):
        payload = {
            "kind": "reflection",
            "unit": UNIT,
            "title": "Phản ánh ngập úng khi mưa lớn",
            "content": "Đường ngõ bị ngập sâu sau mỗi trận mưa, đề nghị kiểm tra hệ thống thoát nước.",
            "full_name": "Nguyễn Thị Hoa",
            # A valid citizen ID: Hà Nội (001), a man born in the 20th century (0), in 1950-1999, then six digits.
            "id_number": f"0010{random.randint(50, 99)}{random.randrange(10**6):06d}",  # noqa: S311
            "phone": "0912345678",
            "address": "Ba Đình, Hà Nội",
        }
        with self.client.post("/api/v1/petitions/", json=payload, name="online filing", catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"status {r.status_code}: {r.text[:200]}")
