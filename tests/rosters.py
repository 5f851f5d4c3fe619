"""Building roster files for tests: valid ID numbers, and csv/xlsx files as clerks make them."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import xlsxwriter
from stdnum.cn.ric import calc_check_digit

HEADER = [
    "姓名*",
    "身份证号*",
    "性别",
    "出生日期",
    "手机号码",
    "所在工会*",
    "入会日期",
    "是否农民工",
]


def id_number(
    born: datetime.date = datetime.date(1990, 1, 1), seq: int = 1, region: str = "530524"
) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + calc_check_digit(body + "0")


def person_row(n: int, union: str, **over) -> list:
    """A valid row for person number ``n`` (distinct ID and phone per n)."""
    born = datetime.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
    seq = (n // 360) % 1000
    row = {
        "name": f"测试{n}",
        "id": id_number(born, seq),
        "gender": "男" if seq % 2 else "女",
        "birth": "",
        "phone": f"139{n:08d}",
        "union": union,
        "joined": "2020-05-01",
        "migrant": "否",
    }
    row.update(over)
    return list(row.values())


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", title: bool = False) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow(["会员信息采集表"])
            writer.writerow([])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: list[list],
    header=HEADER,
    title: bool = True,
    numbers_as_numbers: bool = False,
) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    start = 0
    if title:
        sheet.merge_range(0, 0, 0, len(header) - 1, "某某公司工会会员信息采集表")
        start = 1
    sheet.write_row(start, 0, header)
    for r, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row):
            if (
                numbers_as_numbers
                and isinstance(value, str)
                and value.isdigit()
                and len(value) >= 15
            ):
                sheet.write_number(r, c, float(value))
            elif isinstance(value, datetime.date):
                sheet.write_datetime(
                    r,
                    c,
                    datetime.datetime.combine(value, datetime.time()),
                    book.add_format({"num_format": "yyyy-mm-dd"}),
                )
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return path
