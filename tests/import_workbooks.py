"""Office workbooks of three header dialects, with repeats across them (issue 18): the files the import
tests (db and browser) upload together. 南京一部/二部 share a layout (一部 has a title row), 苏州 is an old
.xls whose 负责人 are the customers' people, 无锡 a GBK .csv with a blank row and an unknown type word."""
import io

import openpyxl
import xlwt

A_HEADER = ["客户名称", "终端类型", "区域", "联系电话", "负责人", "微信"]          # 负责人 = our reps
B_HEADER = ["单位名称", "客户类型", "地址", "电话", "负责人", "采购负责人", "采购电话"]  # 负责人 = their people
C_HEADER = ["名称", "类型", "省份", "城市", "手机", "序号"]


def xlsx(rows: list[list], title: str | None = "客户登记表") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls(rows: list[list]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客户")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def gbk_csv(rows: list[list]) -> bytes:
    return "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows).encode("gbk")


FILES = {
    "南京一部.xlsx": xlsx([A_HEADER,
                        ["玄武副食品商店", "商超终端", "南京市玄武区", "025-84561234", "张业务", "xwfsp"],
                        ["秦淮酒家", "餐饮终端", "南京市秦淮区", "025-84569876", "张业务", None]]),
    "南京二部.xlsx": xlsx([A_HEADER,  # same dialect as 一部, no title row; 秦淮酒家 again
                        ["秦淮酒家", "餐饮终端", "南京市秦淮区", "025-84560000", "张业务", "qhjj"],
                        ["鼓楼烟酒店", "其他终端", "南京市鼓楼区", "025-83331234", "张业务", None]], title=None),
    "苏州.xls": xls([B_HEADER,
                    ["姑苏茶楼", "餐饮终端", "苏州市观前街43号", "0512-65231234", "周店长", "钱采购", "13912345678"],
                    ["玄武副食品商店", "商超终端", "南京市玄武区中山路88号", "025-84561234", "陈店长", None, None]]),
    "无锡.csv": gbk_csv([C_HEADER,
                        ["梁溪超市", "商超终端", "江苏", "无锡", "13800138000", 1],
                        ["", "", "", "", "", 2],
                        ["外星商店", "外星人", "江苏", "无锡", "0510-82001234", 3]]),
}
