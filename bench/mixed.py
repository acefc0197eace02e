"""Mixed traffic: simulated parents walk the portal as people do (a Locust file, run by bench/run.py).

Each simulated parent, with a think time between pages: home → a こんなときは situation → a search →
the same search with filters → a service page → signs in (once; the session cookie is kept as a
browser keeps it) → a session → books it → looks at the booking → cancels it; then again.

The plan (who the parents are, which pages exist) comes from ``django_side.py mixed_setup``, read from
the file named by ``MIXED_PLAN``. The server sits behind a TLS proxy in production, so every request
says so (``X-Forwarded-Proto: https``) and carries its own client address (``X-Forwarded-For``), which
the proxy would set: 100 parents are 100 households, not one office behind one address.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, SequentialTaskSet, between, task

PLAN = json.loads(Path(os.environ["MIXED_PLAN"]).read_text(encoding="utf-8"))
PARENTS = itertools.count()
BOOKING_ID = re.compile(r"/bookings/(\d+)/")


class Journey(SequentialTaskSet):
    def on_start(self) -> None:
        self.rng = random.Random(self.user.number)

    def _get(self, path: str, name: str):
        return self.client.get(path, name=name, headers=self.user.headers())

    def _post(self, path: str, name: str, data: dict):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(
            path, data=data, name=name, headers=self.user.headers(path), allow_redirects=False
        )

    @task
    def home(self) -> None:
        self._get("/", "1 home")

    @task
    def situation(self) -> None:
        self._get(self.rng.choice(PLAN["situations"]), "2 situation")

    @task
    def search(self) -> None:
        self._get(self.rng.choice(PLAN["search"]), "3 search")

    @task
    def search_filtered(self) -> None:
        self._get(self.rng.choice(PLAN["search_filtered"]), "4 search with filters")

    @task
    def service(self) -> None:
        self._get(self.rng.choice(PLAN["service"]), "5 service page")

    @task
    def sign_in(self) -> None:
        if self.user.signed_in:
            return
        self._get("/accounts/login/", "6 sign in (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.user.parent["email"],
                "password": self.user.parent["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers=self.user.headers("/accounts/login/"),
            name="6 sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/accounts/" not in response.headers.get("Location", ""):
                self.user.signed_in = True
            else:
                response.failure(f"sign-in answered {response.status_code}")

    @task
    def book_and_cancel(self) -> None:
        session = self.rng.choice(PLAN["sessions"])
        self._get(f"/bookings/sessions/{session}/", "7 session")
        with self.client.post(
            f"/bookings/sessions/{session}/book/",
            data={
                "child": self.user.parent["child"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers=self.user.headers(f"/bookings/sessions/{session}/"),
            name="8 book",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = BOOKING_ID.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(
                    f"booking answered {response.status_code} → {response.headers.get('Location')}"
                )
                return
        booking = found.group(1)
        self._get(f"/bookings/{booking}/", "9 my booking")
        response = self._post(f"/bookings/{booking}/cancel/", "10 cancel", {})
        if response.status_code != 302:
            response.failure(f"cancel answered {response.status_code}")


class Parent(HttpUser):
    """A parent on a phone; reading a page and deciding takes 3–15 s."""

    wait_time = between(3, 15)
    tasks = [Journey]

    def on_start(self) -> None:
        self.number = next(PARENTS)
        self.parent = PLAN["parents"][self.number % len(PLAN["parents"])]
        self.signed_in = False
        self.origin = "https://" + self.host.split("://", 1)[1]
        # Documentation addresses (RFC 5737): a header value only, nothing is sent there.
        self.address = f"{('203.0.113', '198.51.100')[self.number // 250 % 2]}.{1 + self.number % 250}"

    def headers(self, posted_from: str | None = None) -> dict[str, str]:
        """What the TLS proxy passes on: the scheme, the client's address and its cookies (secure
        cookies, which the client library would keep to HTTPS, go back over this loopback hop)."""
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Accept-Language": "ja",
            "Cookie": "; ".join(f"{c.name}={c.value}" for c in self.client.cookies),
        }
        if posted_from is not None:
            headers |= {"Referer": self.origin + posted_from, "Origin": self.origin}
        return headers
