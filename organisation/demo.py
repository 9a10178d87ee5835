"""The demo organisation's people, shared by every app's demo."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth import get_user_model

from organisation.models import Department, Membership, OrgRole

DEMO_PASSWORD = "exchange-demo"

# username, first name, last name, what they do
PEOPLE = [
    ("fiona", "Fiona", "Marsh", "Head of Finance"),
    ("fergus", "Fergus", "Lane", "Finance, accounts receivable"),
    ("sam", "Samira", "Okafor", "Head of Sales"),
    ("sean", "Sean", "Doyle", "Sales, key accounts"),
    ("priya", "Priya", "Nair", "Facilitator (HR business partner)"),
    ("arthur", "Arthur", "Kemp", "Arbiter (Operations Director)"),
    ("margaret", "Margaret", "Hale", "Manager (Managing Director)"),
    ("admin", "Ada", "Min", "Administrator (the organisation page, and Django admin)"),
]


def build_people() -> SimpleNamespace:
    users = {}
    User = get_user_model()
    for username, first, last, _what in PEOPLE:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )
        users[username] = user
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    OrgRole.objects.create(user=admin, role=OrgRole.Role.ADMINISTRATOR)
    finance = Department.objects.create(name="Finance")
    sales = Department.objects.create(name="Sales")
    operations = Department.objects.create(name="Operations")
    Membership.objects.create(user=users["fiona"], department=finance, role=Membership.Role.HEAD)
    Membership.objects.create(user=users["fergus"], department=finance, role=Membership.Role.MEMBER)
    Membership.objects.create(user=users["sam"], department=sales, role=Membership.Role.HEAD)
    Membership.objects.create(user=users["sean"], department=sales, role=Membership.Role.MEMBER)
    Membership.objects.create(
        user=users["arthur"], department=operations, role=Membership.Role.HEAD
    )
    OrgRole.objects.create(user=users["priya"], role=OrgRole.Role.FACILITATOR)
    OrgRole.objects.create(user=users["arthur"], role=OrgRole.Role.ARBITER)
    OrgRole.objects.create(user=users["margaret"], role=OrgRole.Role.MANAGER)
    return SimpleNamespace(**users, finance=finance, sales=sales, operations=operations)
