import datetime

import factory

from core import services as core_services
from core.models import Membership, Role, Unit, User
from petitions import services as petition_services
from petitions.models import Kind, Petition


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_unit(name="Thành phố", code=None, level="province", parent=None) -> Unit:
    code = code or f"u{Unit.objects.count() + 1}-{factory.random.randgen.randint(0, 10**6)}"
    return core_services.unit_create(name=name, code=code, level=level, parent=parent)


def make_staff(unit: Unit, role: str = Role.RECEPTION, **kwargs) -> User:
    user = UserFactory(**kwargs)
    if role == Role.HEAD:
        core_services.unit_head_assign(unit=unit, user=user, started_on=datetime.date(2025, 7, 1))
    else:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def make_petition(unit: Unit, *, kind: str = Kind.COMPLAINT, citizen=None, **petitioner) -> Petition:
    petition, _ = make_petition_with_key(unit, kind=kind, citizen=citizen, **petitioner)
    return petition


def make_petition_with_key(unit: Unit, *, kind: str = Kind.COMPLAINT, citizen=None, title=None, **petitioner):
    data = {"full_name": "Nguyễn Văn An", "id_number": "001085012345", "phone": "0912345678", **petitioner}
    return petition_services.petition_submit(
        kind=kind,
        title=title or "Tranh chấp đất đai thửa số 12",
        content="Đề nghị xem xét lại việc thu hồi đất.",
        unit=unit,
        petitioner=petition_services.PetitionerData(**data),
        citizen=citizen,
    )


def filing_payload(org, *, api: bool = False, **overrides) -> dict:
    """What a citizen types into the filing form (or posts to the API: the unit by its code)."""
    data = {
        "kind": "complaint",
        "unit": org.commune.code if api else org.commune.pk,
        "title": "Khiếu nại việc cấp giấy chứng nhận",
        "content": "Tôi đề nghị xem xét lại.",
        "full_name": "Nguyễn Thị Hoa",
        "id_number": "001190000123",
        "phone": "0912 345 678",
        "address": "Ba Đình, Hà Nội",
    }
    if not api:
        data.update(email="", people_count=1)
    data.update(overrides)
    return data
