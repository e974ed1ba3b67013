import uuid

import pytest

from core.models import Role

from .factories import make_petition, make_staff, make_unit


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Every test starts with empty rate-limit counters, without flushing a shared Redis."""
    settings.RATE_LIMIT_NAMESPACE = uuid.uuid4().hex


@pytest.fixture
def org(db):
    """A city with two communes and a department; one staff member per role in the first commune."""

    class Org:
        city = make_unit("Thành phố Hà Nội", "hn", "province")
        commune = make_unit("Phường Ba Đình", "ba-dinh", "commune", parent=city)
        other_commune = make_unit("Phường Hoàn Kiếm", "hoan-kiem", "commune", parent=city)
        department = make_unit("Sở Tài nguyên và Môi trường", "so-tnmt", "department", parent=city)
        reception = make_staff(commune, Role.RECEPTION, username="tiepdan")
        handler = make_staff(commune, Role.HANDLER, username="xuly")
        head = make_staff(commune, Role.HEAD, username="chutich")
        inspector = make_staff(city, Role.INSPECTOR, username="thanhtra")
        city_head = make_staff(city, Role.HEAD, username="bithu")
        outsider = make_staff(other_commune, Role.RECEPTION, username="ngoai")

    return Org


@pytest.fixture
def petition(org):
    return make_petition(org.commune)
