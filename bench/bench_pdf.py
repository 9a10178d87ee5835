"""PDF benchmark: an SLA with 30 services, rendered, sealed and downloaded.

Prints ``pdf.render_ms`` (template + WeasyPrint, as the product renders),
``pdf.seal_ms`` (pyHanko PAdES seal), ``pdf.bare_render_ms`` (the same HTML
through bare WeasyPrint: the floor), ``pdf.render_seal_vs_bare`` (target <= 1.5)
and ``pdf.download_vs_static``: requests per second downloading the stored PDF
through the logged-in, permission-checked view against WhiteNoise serving a
static file of the same size, both over HTTP (kept-alive connection) from the
app under uvicorn, as ``make run`` serves it (target >= 0.5). ``pdf.download_vs_static_in_process`` is the same through
Django's test client, without HTTP: the pure cost of the Django stack.

It runs on a throwaway SQLite database in a temporary folder unless Django is
already set up, and removes what it made.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVICES = 30
RUNS = 5
REQUESTS = 200


def _setup() -> None:
    from django.conf import settings

    if settings.configured:
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    os.environ["VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _median_ms(action, runs: int = RUNS) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), result


def _build_sla():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from agreements import services
    from agreements.models import Signature, VersionStatus
    from meetings.models import ItemStatus, Meeting, NeedItem, NeedList, Origin, Step
    from organisation.models import Department, Membership, OrgRole

    User = get_user_model()

    def person(username: str, first: str, last: str):
        return User.objects.create(
            username=f"bench-{username}",
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )

    fiona, sam = person("fiona", "Fiona", "Marsh"), person("sam", "Samira", "Okafor")
    priya, margaret = person("priya", "Priya", "Nair"), person("margaret", "Margaret", "Hale")
    finance = Department.objects.create(name="Bench Finance")
    sales = Department.objects.create(name="Bench Sales")
    Membership.objects.create(user=fiona, department=finance, role=Membership.Role.HEAD)
    Membership.objects.create(user=sam, department=sales, role=Membership.Role.HEAD)
    OrgRole.objects.create(user=priya, role=OrgRole.Role.FACILITATOR)
    OrgRole.objects.create(user=margaret, role=OrgRole.Role.MANAGER)
    meeting = Meeting.objects.create(
        department_a=finance,
        department_b=sales,
        facilitator=priya,
        created_by=priya,
        scheduled_for=timezone.now(),
        place="Board room",
        step=Step.CLOSED,
        closed_at=timezone.now(),
    )
    lists = [
        NeedList.objects.create(meeting=meeting, department=finance),
        NeedList.objects.create(meeting=meeting, department=sales),
    ]
    for n in range(SERVICES):
        NeedItem.objects.create(
            need_list=lists[n % 2],
            position=n,
            service=f"Service number {n + 1} in full detail",
            benefit_department="Work is done sooner.",
            benefit_organisation="Customers wait less.",
            cost_estimate=1000,
            value_estimate=5000,
            service_level="Within three working days",
            measure_what="Share of requests handled within the level",
            measure_kind="share",
            measure_threshold=95,
            status=ItemStatus.AGREED,
            agreed_service=f"Service number {n + 1} as agreed",
            agreed_level="Within three working days",
            agreed_start=dt.date(2027, 1, 4),
            agreed_origin=Origin.COUNTER if n % 3 else Origin.YES,
        )
    sla = services.sla_draft_from_meeting(meeting=meeting, by=priya)
    version = services.latest_version(sla)
    version.services.update(measured_by="The recipient's head", measure_unit="%")
    digest = services.content_sha256(version)
    for head, department in ((fiona, finance), (sam, sales)):
        Signature.objects.create(
            version=version,
            department=department,
            signer=head,
            signer_name=head.get_full_name(),
            signed_at=timezone.now(),
            ip_address="192.0.2.1",
            content_sha256=digest,
        )
    version.status, version.signed_at = VersionStatus.SIGNED, timezone.now()
    version.save()
    return version, margaret


def _start_server() -> tuple[subprocess.Popen, int]:
    """The app under uvicorn (as ``make run`` serves it), on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "exchange.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=os.environ.copy(),
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("uvicorn did not start")


def _rounds(fetchers: dict[str, object], rounds: int = 5, per_round: int = REQUESTS // 5):
    """Requests per second for each fetcher, interleaved so load spikes hit both alike."""
    elapsed = dict.fromkeys(fetchers, 0.0)
    for fetch in fetchers.values():
        fetch()  # warm up
    for _ in range(rounds):
        for name, fetch in fetchers.items():
            start = time.perf_counter()
            for _ in range(per_round):
                fetch()
            elapsed[name] += time.perf_counter() - start
    return {name: rounds * per_round / seconds for name, seconds in elapsed.items()}


def _interleaved_ms(actions: dict[str, object], runs: int = RUNS) -> dict[str, float]:
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            timings[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def run() -> dict[str, object]:
    _setup()
    import weasyprint
    from django.conf import settings
    from django.test import Client

    from agreements import links, pdf, sealing, services

    version, manager = _build_sla()
    static_file = Path(settings.STATIC_ROOT) / "bench" / "sla-bench.pdf"
    server = None
    try:
        pdf.sla_pdf(version)  # warm up fonts and caches
        html = pdf.sla_html(version)
        document = pdf.sla_pdf(version)
        timings = _interleaved_ms(
            {
                "render": lambda: pdf.sla_pdf(version),
                "bare": lambda: weasyprint.HTML(string=html).write_pdf(),
                "seal": lambda: sealing.seal(document, reason="bench"),
            }
        )
        sealed = sealing.seal(document, reason="bench")
        services.sla_pdf_store(version=version, pdf=sealed)
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(sealed)
        download_path = f"/agreements/{version.sla_id}/v{version.number}/pdf/"
        static_path = f"/{settings.STATIC_URL.strip('/')}/bench/{static_file.name}"

        client = Client()
        client.force_login(manager)

        def in_process_download() -> None:
            response = client.get(download_path)
            assert response.status_code == 200 and len(response.content) == len(sealed)

        def in_process_static() -> None:
            response = client.get(static_path)
            assert response.status_code == 200
            assert len(b"".join(response.streaming_content)) == len(sealed)

        in_process = _rounds({"download": in_process_download, "static": in_process_static})

        server, port = _start_server()
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Host": "127.0.0.1"}
        connection = http.client.HTTPConnection("127.0.0.1", port)  # kept alive

        def over_http(path: str):
            def fetch() -> None:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                assert response.status == 200 and len(body) == len(sealed), response.status

            return fetch

        # What the agreement page links to: a short-lived signed link (no session lookup).
        signed_path = links.download_url(manager, version.sla_id, version.number)
        http_rates = _rounds(
            {
                "download": over_http(signed_path),
                "static": over_http(static_path),
                "session": over_http(download_path),
            }
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        static_file.unlink(missing_ok=True)
        _clean_up(version)
    render_ms, seal_ms, bare_ms = timings["render"], timings["seal"], timings["bare"]
    return {
        "pdf.services": SERVICES,
        "pdf.bytes": len(sealed),
        "pdf.render_ms": round(render_ms, 1),
        "pdf.seal_ms": round(seal_ms, 1),
        "pdf.bare_render_ms": round(bare_ms, 1),
        "pdf.render_seal_vs_bare": round((render_ms + seal_ms) / bare_ms, 2),
        "pdf.download_rps": round(http_rates["download"]),
        "pdf.static_rps": round(http_rates["static"]),
        "pdf.download_vs_static": round(http_rates["download"] / http_rates["static"], 2),
        "pdf.download_vs_static_session": round(http_rates["session"] / http_rates["static"], 2),
        "pdf.download_vs_static_in_process": round(
            in_process["download"] / in_process["static"], 2
        ),
    }


def _clean_up(version) -> None:
    """Leave no data behind (matters only when another benchmark set up the database)."""
    from django.contrib.auth import get_user_model

    from agreements.models import SLA
    from meetings.models import Meeting
    from organisation.models import Department

    sla = SLA.objects.get(pk=version.sla_id)
    meeting = sla.meeting
    departments = [meeting.department_a_id, meeting.department_b_id]
    for model_version in sla.versions.all():
        model_version.changes.all()._raw_delete(model_version.changes.db)
    sla.versions.all().delete()
    sla.delete()
    meeting.events.all()._raw_delete(meeting.events.db)
    Meeting.objects.filter(pk=meeting.pk).delete()
    Department.objects.filter(pk__in=departments).delete()
    get_user_model().objects.filter(username__startswith="bench-").delete()
