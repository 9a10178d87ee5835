"""The heads agree, with the terms, how the agreement's standing is judged."""

from __future__ import annotations

from django.urls import reverse

from agreements import services as agreement_services
from agreements.models import Change


def test_the_heads_agree_the_rules_in_the_draft(sla, org, as_user):
    version = agreement_services.latest_version(sla)
    url = reverse("agreements:status_rules", args=[sla.pk, version.number])
    bad = as_user(org.fiona).post(
        url, {"status_window": 3, "at_risk_below": 60, "breached_below": 80}
    )
    assert bad.status_code == 400
    assert "“Breached below” is at most “at risk below”." in bad.readable
    assert as_user(org.fergus).post(url, {"status_window": 6}).status_code == 403
    done = as_user(org.fiona).post(
        url, {"status_window": 6, "at_risk_below": 95, "breached_below": 80}
    )
    assert done.status_code == 302
    version.refresh_from_db()
    assert (version.status_window, version.at_risk_below, version.breached_below) == (6, 95, 80)
    assert Change.objects.filter(version=version, kind="status_rules_edited").exists()
    assert agreement_services.canonical_content(version)["status_rules"] == {
        "periods": 6,
        "at_risk_below": 95,
        "breached_below": 80,
    }
    page = as_user(org.sam).get(reverse("agreements:detail", args=[sla.pk])).readable
    assert "last 6 periods" in page
