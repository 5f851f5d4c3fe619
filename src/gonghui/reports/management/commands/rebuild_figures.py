"""``gonghui manage rebuild_figures``: count every precomputed figure again from the records."""

from django.core.management.base import BaseCommand

from gonghui.reports import figurestore


class Command(BaseCommand):
    help = "重新计算全部预先计算的统计数（按组织、按月）"

    def handle(self, *args, **options):
        written = figurestore.rebuild()
        for table, cells in sorted(written.items()):
            self.stdout.write(f"{table}: {cells}")
        self.stdout.write(f"共 {sum(written.values())} 个数，{len(written)} 张表")
