import django.db.models.deletion
from django.db import migrations, models


def split_links(apps, schema_editor):
    # `previous` meant both a forward and a second complaint; only a forward was ever created by the code,
    # but a link on a petition that did not arrive by forwarding can only have meant a second complaint.
    Petition = apps.get_model("petitions", "Petition")
    appeals = Petition.objects.filter(forwarded_from__isnull=False).exclude(channel="forwarded")
    for petition_id, earlier_id in appeals.values_list("id", "forwarded_from_id"):
        Petition.objects.filter(pk=petition_id).update(appeal_of_id=earlier_id, forwarded_from=None)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0005_identity_protection")]

    operations = [
        migrations.RenameField("petition", "previous", "forwarded_from"),
        migrations.AlterField(
            model_name="petition",
            name="forwarded_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="forwards",
                to="petitions.petition",
                verbose_name="forwarded from",
            ),
        ),
        migrations.AddField(
            model_name="petition",
            name="appeal_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appeals",
                to="petitions.petition",
                verbose_name="second complaint against",
            ),
        ),
        migrations.AddField(
            model_name="petition",
            name="decision_known_on",
            field=models.DateField(blank=True, null=True, verbose_name="date the complainant learned of the decision"),
        ),
        migrations.AddField(
            model_name="petition",
            name="first_decision_on",
            field=models.DateField(blank=True, null=True, verbose_name="date of the first decision"),
        ),
        migrations.AddField(
            model_name="petition",
            name="late_obstacle",
            field=models.CharField(
                blank=True,
                choices=[
                    ("illness", "Illness"),
                    ("disaster", "Natural disaster or enemy sabotage"),
                    ("travel", "Work or study far away"),
                    ("other", "Another objective obstacle"),
                ],
                max_length=10,
                verbose_name="legitimate obstacle to filing in time",
            ),
        ),
        migrations.AddField(
            model_name="petition",
            name="is_especially_complex",
            field=models.BooleanField(default=False, verbose_name="especially complex case"),
        ),
        migrations.RunPython(split_links, migrations.RunPython.noop),
    ]
