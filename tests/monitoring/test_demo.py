from agreements import demo as agreements_demo
from monitoring import demo, selectors
from monitoring.models import Explanation, Measurement
from organisation.demo import build_people


def test_the_demo_adds_six_months_with_one_explained_miss(db, django_capture_on_commit_callbacks):
    people = build_people()
    agreements_demo.build(people)
    sla = demo.build(people)
    measurements = Measurement.objects.filter(service__version__sla=sla)
    services = {m.service_id for m in measurements}
    assert len(services) == 4
    assert all(measurements.filter(service_id=s).count() == 6 for s in services)
    missed = measurements.get(met=False)
    assert missed.explanations.get().status == Explanation.Status.ACKNOWLEDGED
    assert not selectors.attention_for(people.sean).to_explain
    assert not selectors.attention_for(people.fiona).to_answer
