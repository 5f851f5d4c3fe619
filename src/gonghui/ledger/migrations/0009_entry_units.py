"""Entries may count a figure in another word the category allows (签订集体合同226家 where
the category counts in 户); categories say their further figures (发放资料1万余份, 发放电子书屋
阅读卡1.2万张) and mutual-aid schemes (设立互助保障项目2个). A category whose wording was changed
by its federation keeps it; the others take the platform's current wording."""

from django.db import migrations, models

# The wording these categories had before, as migration 0007 wrote it.
BEFORE = {
    "aid.jobs_fair": {
        "extra": {"jobs": "人"},
        "say": [
            ["举办招聘会和就业援助活动{sessions}"],
            ["发布招聘信息{items}"],
            ["帮助{jobs}实现就业"],
        ],
        "units": {"items": "条"},
    },
    "culture.reading": {
        "say": [["开展职工读书活动{sessions}"], ["配送图书{items}"]],
        "units": {"items": "册"},
    },
    "culture.volunteer": {"say": [["开展志愿服务{person_times}"]]},
    "mutual.enrolment": {"say": [["组织职工参加互助保障{people}"], ["参保单位{households}"]]},
    "rights.contract": {
        "say": [
            [
                "签订集体合同{items}，覆盖企业{households}",
                "签订集体合同{items}",
                "推动{households}单位签订集体合同",
            ],
            ["覆盖职工{people}"],
        ],
        "units": {"items": "份"},
    },
    "skills.competition": {
        "extra": {"awards": "件"},
        "say": [["举办劳动和技能竞赛{sessions}"], ["参赛职工{people}"], ["获奖{awards}"]],
    },
}


def forwards(apps, schema_editor):
    from gonghui.ledger.taxonomy import WORDING

    Category = apps.get_model("ledger", "LedgerCategory")
    for code, wording in BEFORE.items():
        Category.objects.filter(code=code, wording=wording).update(wording=WORDING[code])


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_mutual_payout_people"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="units",
            field=models.JSONField(blank=True, default=dict, verbose_name="Unit words"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
