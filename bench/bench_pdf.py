"""PDF benchmark: an SLA with 30 services, rendered, sealed and downloaded.

- ``pdf.render_seal_vs_bare`` (target at most 1.5): what the product takes to make
  the sealed PDF (template, models, WeasyPrint and the pyHanko seal) over bare
  WeasyPrint rendering a plain HTML file of the same content (written out once:
  no Django template, no models on that side). Interleaved A B A B with garbage
  collected before each timed call; the median of the pairs' ratios, with min and
  max. ``pdf.render_ms``, ``pdf.seal_ms`` and ``pdf.bare_render_ms`` are medians.
- ``pdf.download_vs_static`` (target at least 0.4): requests per second of a
  manager downloading the stored PDF through the view that checks their session
  and permission, over WhiteNoise serving a static file of the same size, both
  from the app under uvicorn at 8 concurrent kept-alive connections, interleaved.
  ``pdf.download_vs_static_signed_link`` is the same for the short-lived link the
  agreement page gives, sent with the person's session: a link is honoured only in
  its own person's session, so both check the session, the person and the
  permission on every request (three queries).

It runs on the benchmarks' database (``bench/db.py``: PostgreSQL when
``DATABASE_URL`` names it).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
from pathlib import Path

from bench import db, http_load
from bench.timing import interleaved, timed

SERVICES = 30
CONCURRENCY = 8


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


def run() -> dict[str, object]:
    db.setup()
    import weasyprint
    from django.conf import settings
    from django.test import Client

    from agreements import links, pdf, sealing, services
    from bench.servers import running_servers

    pairs = int(os.environ.get("BENCH_PAIRS", "5"))
    version, manager = _build_sla()

    # The bare side: the same HTML, as a plain file, through bare WeasyPrint.
    folder = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    bare_file = folder / "sla.html"
    bare_file.write_text(pdf.sla_html(version), encoding="utf-8")
    render_ms: list[float] = []
    seal_ms: list[float] = []

    def product() -> float:
        document: list[bytes] = []
        render = timed(lambda: document.append(pdf.sla_pdf(version)))
        seal = timed(lambda: sealing.seal(document[0], reason="bench"))
        render_ms.append(render * 1000)
        seal_ms.append(seal * 1000)
        return render + seal

    bare_ms: list[float] = []

    def bare() -> float:
        seconds = timed(lambda: weasyprint.HTML(filename=str(bare_file)).write_pdf())
        bare_ms.append(seconds * 1000)
        return seconds

    rendering = interleaved(product, bare, pairs=pairs)

    sealed = sealing.seal(pdf.sla_pdf(version), reason="bench")
    services.sla_pdf_store(version=version, pdf=sealed)
    static_file = Path(settings.STATIC_ROOT) / "bench" / "sla-bench.pdf"
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(sealed)
    client = Client()
    client.force_login(manager)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = {"Cookie": cookie}
    download_path = f"/agreements/{version.sla_id}/v{version.number}/pdf/"
    signed_path = links.download_url(manager, version.sla_id, version.number)
    static_path = f"/{settings.STATIC_URL.strip('/')}/bench/{static_file.name}"
    requests = int(os.environ.get("BENCH_PDF_REQUESTS", "80"))
    try:
        with running_servers(1, database_url=os.environ["DATABASE_URL"]) as servers:
            port = servers[0].port

            def rate(path: str):
                def measure() -> float:
                    burst = http_load.burst(
                        port, path, headers=headers, requests=requests, concurrency=CONCURRENCY
                    )
                    assert burst.bytes == requests * len(sealed), path
                    return burst.rps

                return measure

            download = interleaved(rate(download_path), rate(static_path), pairs=pairs)
            signed = interleaved(rate(signed_path), rate(static_path), pairs=pairs)
    finally:
        static_file.unlink(missing_ok=True)
    figures: dict[str, object] = {
        "pdf.services": SERVICES,
        "pdf.bytes": len(sealed),
        "pdf.render_ms": round(statistics.median(render_ms), 1),
        "pdf.seal_ms": round(statistics.median(seal_ms), 1),
        "pdf.bare_render_ms": round(statistics.median(bare_ms), 1),
    }
    figures.update(rendering.figures("pdf.render_seal_vs_bare"))
    figures["pdf.download_rps"] = round(statistics.median(download.a))
    figures["pdf.static_rps"] = round(statistics.median(download.b))
    figures.update(download.figures("pdf.download_vs_static"))
    figures.update(signed.figures("pdf.download_vs_static_signed_link"))
    figures["pdf.concurrency"] = CONCURRENCY
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}", flush=True)
