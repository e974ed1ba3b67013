import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from core import services
from core.models import Role, Unit, UnitHeadTerm
from core.selectors import jurisdiction_for, unit_current_head
from tests.factories import UserFactory, make_staff, make_unit


def test_units_form_a_tree_of_any_depth(db):
    province = make_unit("Tỉnh", "t", "province")
    commune = make_unit("Xã", "x", "commune", parent=province)
    hamlet_office = make_unit("Tổ", "to", "team", parent=commune)
    assert hamlet_office.path == f"/{province.pk}/{commune.pk}/{hamlet_office.pk}/"
    assert hamlet_office.depth == 3


def test_moving_a_unit_moves_its_subtree_and_jurisdiction(org):
    team = make_unit("Tổ công tác", "team", "team", parent=org.commune)
    assert team.pk in jurisdiction_for(org.reception).unit_ids
    services.unit_move(unit=org.commune, parent=org.department)
    team.refresh_from_db()
    assert team.path == f"/{org.city.pk}/{org.department.pk}/{org.commune.pk}/{team.pk}/"
    with pytest.raises(ValueError):
        services.unit_move(unit=org.department, parent=team)


def test_a_new_head_closes_the_previous_term(org):
    successor = UserFactory()
    services.unit_head_assign(unit=org.commune, user=successor, started_on=datetime.date(2026, 3, 1))
    assert unit_current_head(org.commune) == successor
    old = UnitHeadTerm.objects.get(unit=org.commune, user=org.head)
    assert old.ended_on == datetime.date(2026, 3, 1)


def test_a_unit_has_only_one_current_head(org):
    with pytest.raises(IntegrityError):
        UnitHeadTerm.objects.create(unit=org.commune, user=UserFactory(), started_on=datetime.date(2026, 1, 1))


def test_roles_apply_per_unit(org):
    multi = make_staff(org.other_commune, Role.HANDLER)
    services.membership_add(user=multi, unit=org.commune, role=Role.INSPECTOR)
    jurisdiction = jurisdiction_for(multi)
    assert jurisdiction.has_role(Role.HANDLER, unit_id=org.other_commune.pk)
    assert not jurisdiction.has_role(Role.HANDLER, unit_id=org.commune.pk)
    assert jurisdiction.has_role(Role.INSPECTOR, unit_id=org.commune.pk)


def test_admin_creates_units_with_their_path_and_shows_history_read_only(client, org, petition):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_unit_add"),
        {
            "name": "Xã Mới",
            "code": "xa-moi",
            "level": "commune",
            "parent": org.city.pk,
            "head_terms-TOTAL_FORMS": 0,
            "head_terms-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="xa-moi")
    assert unit.path == f"{org.city.path}{unit.pk}/"
    history = petition.history.get()
    assert client.get(reverse("admin:petitions_petitionhistory_change", args=[history.pk])).status_code == 200
    response = client.post(reverse("admin:petitions_petitionhistory_delete", args=[history.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert petition.history.count() == 1
