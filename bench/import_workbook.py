"""The benchmark's workbook: a realistic, messy customer-archive workbook of N rows.

25 columns with Chinese office headers and a title row above the header; phones as numbers
or text, dates as Excel dates or "2019年5月", amounts as "50万" or "100,000", grades 'a'/'Ｂ'/'C'.
Written once per size with openpyxl (write-only) and cached in bench/.cache/ (git-ignored).
"""
from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path
from typing import Any

from domain.fields import CUSTOMER_TYPES, PROVINCES

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
GENERATOR_VERSION = 2  # bump when the generated workbook changes, so old caches are not reused
TITLE = "客户档案汇总表（截至2024年12月31日）"

# The workbook's columns: header → registry field (None: not a registry field; contact / class columns).
COLUMNS: list[tuple[str, str | None]] = [
    ("客户名称", "name"), ("客户类型", "customer_type"), ("省份", "province"), ("城市", "city"),
    ("区县", "district"), ("地址", "address"), ("联系电话", "phone"), ("传真", "fax"), ("电子邮箱", "email"),
    ("法人代表", "legal_rep"), ("主营业务", "main_business"), ("注册资金（万元）", "registered_capital"),
    ("营业面积", "floor_area"), ("成立时间", "founded_on"), ("员工人数", "staff_count"),
    ("付款方式", "payment_method"), ("账期", "credit_days"), ("开户行", "bank"), ("税号", "tax_no"),
    ("账号", "account_no"), ("信用额度", "credit_limit"), ("客户等级", None), ("负责人", None),
    ("联系人手机", None), ("备注", "notes"),
]
HEADERS = [h for h, _ in COLUMNS]

CITIES = {
    "北京": ["北京"], "天津": ["天津"], "河北": ["石家庄", "唐山", "保定"], "山西": ["太原", "大同"],
    "内蒙古": ["呼和浩特", "包头"], "辽宁": ["沈阳", "大连"], "吉林": ["长春", "吉林"], "黑龙江": ["哈尔滨", "大庆"],
    "上海": ["上海"], "江苏": ["南京", "苏州", "无锡"], "浙江": ["杭州", "宁波", "温州"], "安徽": ["合肥", "芜湖"],
    "福建": ["福州", "厦门", "泉州"], "江西": ["南昌", "赣州"], "山东": ["济南", "青岛", "烟台"],
    "河南": ["郑州", "洛阳"], "湖北": ["武汉", "宜昌"], "湖南": ["长沙", "株洲"],
    "广东": ["广州", "深圳", "佛山", "东莞"], "广西": ["南宁", "桂林"], "海南": ["海口", "三亚"],
    "重庆": ["重庆"], "四川": ["成都", "绵阳", "宜宾"], "贵州": ["贵阳", "遵义"], "云南": ["昆明", "大理"],
    "西藏": ["拉萨"], "陕西": ["西安", "宝鸡"], "甘肃": ["兰州", "天水"], "青海": ["西宁"], "宁夏": ["银川"],
    "新疆": ["乌鲁木齐", "喀什"], "台湾": ["台北"], "香港": ["香港"], "澳门": ["澳门"],
}
assert set(CITIES) == set(PROVINCES), "one city list per province of domain.fields.PROVINCES"
FULL_PROVINCE = {"北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "内蒙古": "内蒙古自治区",
                 "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
                 "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区", "澳门": "澳门特别行政区"}
DISTRICTS = ["城关区", "新城区", "高新区", "开发区", "南山区", "朝阳区", "江北区", "天河区", "鼓楼区", "经开区"]
ROADS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "科技园路", "工业大道", "滨江路", "长江路"]
WORDS = ["好运来", "金百合", "福满楼", "华润", "永辉", "四季春", "聚贤庄", "和盛", "鸿福", "万家", "锦江", "天和",
         "新世纪", "百姓", "同仁", "康泰", "盛世", "龙腾", "顺心", "东方", "佳乐", "明珠", "宏远", "兴隆"]
NAME_SUFFIX = {"餐饮终端": ["大酒店", "酒楼", "海鲜餐厅", "餐饮有限公司"], "商超终端": ["超市", "购物广场", "便利店"],
               "经销商/批发": ["商贸有限公司", "酒业有限公司", "批发部"], "医院/药店": ["大药房", "医药连锁有限公司"],
               "企业": ["科技有限公司", "实业有限公司"], "个人": ["商行"], "其他": ["经营部"]}
TYPE_ALIASES = {"商超终端": "超市", "经销商/批发": "经销商", "医院/药店": "药店", "餐饮终端": "餐饮"}
BUSINESS = ["白酒批发、零售", "中餐、宴席", "日用百货", "药品零售", "粮油副食", "烟酒茶叶", "海鲜餐饮", "食品饮料批发"]
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "招商银行", "交通银行", "农村商业银行"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建国",
         "志强", "丽", "桂英"]
AREA_CODES = ["010", "020", "021", "022", "023", "025", "027", "028", "029", "0510", "0512", "0571", "0755", "0769"]
NOTES = ["老客户，按时回款", "周末送货\n需提前电话联系", "年底有团购需求", "新开门店", "负责人常驻外地"]
PAYMENTS = ["现金", "转帐", "承兑", "其他", "转账"]  # 转账: the everyday spelling, an alias of 转帐
GRADES = ["a", "Ｂ", "C", "A", "b", "c"]


# --------------------------------------------------------------------------- the workbook

def cache_path(rows: int) -> Path:
    return CACHE / f"import_customers_{rows}_v{GENERATOR_VERSION}.xlsx"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def blank_or(rng: random.Random, value: Any, blank: float = 0.1) -> Any:
    return None if rng.random() < blank else value


def generate_row(n: int, rng: random.Random) -> list[Any]:
    """Row n (0-based) of the workbook: unique name, phone, mobile and tax number; the rest varied."""
    province = rng.choice(list(CITIES))
    city = rng.choice(CITIES[province])
    district = rng.choice(DISTRICTS)
    customer_type = CUSTOMER_TYPES[n % len(CUSTOMER_TYPES)]
    name = f"{city}{rng.choice(WORDS)}{n + 1}{rng.choice(NAME_SUFFIX[customer_type])}"
    shown_type = TYPE_ALIASES.get(customer_type, customer_type) if n % 10 == 7 else customer_type
    shown_province = FULL_PROVINCE.get(province, province + "省") if n % 5 == 3 else province
    full_province = FULL_PROVINCE.get(province, province + "省")
    address = f"{full_province}{city}市{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    phone_number = 13800000000 + n
    phone: Any = (phone_number if n % 3 == 0 else str(phone_number) if n % 3 == 1
                  else f"{str(phone_number)[:3]}-{str(phone_number)[3:7]}-{str(phone_number)[7:]}")
    mobile_number = 15900000000 + n
    mobile: Any = mobile_number if n % 2 == 0 else str(mobile_number)
    fax = blank_or(rng, f"{rng.choice(AREA_CODES)}-{rng.randint(2000_0000, 8999_9999)}", 0.4)
    email = blank_or(rng, f"kf{n + 1}@{rng.choice(['163.com', 'qq.com', 'sina.com', 'example.cn'])}", 0.3)
    capital = rng.choice([50, 100, 200, 300, 500, 1000])
    registered_capital = blank_or(rng, [capital, f"{capital}万", f"{capital}万元", capital + 0.5][n % 4])
    area = rng.randint(40, 5000)
    floor_area = blank_or(rng, [area, f"{area}平方米", area + 0.5][n % 3])
    year, month, day = rng.randint(1995, 2023), rng.randint(1, 12), rng.randint(1, 28)
    founded_on = blank_or(rng, [dt.date(year, month, day), f"{year}年{month}月", f"{year}-{month:02d}-{day:02d}",
                                dt.date(year, month, day), f"{year}/{month}/{day}"][n % 5])
    staff = rng.randint(3, 800)
    staff_count = blank_or(rng, staff if n % 2 else f"{staff}人")
    days = rng.choice([0, 15, 30, 45, 60, 90])
    credit_days = blank_or(rng, days if n % 2 else f"{days}天", 0.2)
    bank = blank_or(rng, f"{rng.choice(BANKS)}{city}{district.removesuffix('区')}支行", 0.2)
    tax_no = blank_or(rng, f"91{rng.randint(1100, 6599)}00MA{n + 1:07d}{rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}",
                      0.15)
    account = f"6222{rng.randint(0, 10**15 - 1):015d}"
    account_no = blank_or(rng, " ".join(account[i:i + 4] for i in range(0, 19, 4)) if n % 4 == 0 else account, 0.2)
    limit = rng.choice([10_000, 50_000, 100_000, 200_000, 500_000])
    credit_limit = blank_or(rng, [f"{limit:,}", limit, f"{limit // 10_000}万", f"¥{limit:,}"][n % 4], 0.2)
    grade = blank_or(rng, GRADES[n % len(GRADES)], 0.15)
    notes = blank_or(rng, rng.choice(NOTES), 0.8)
    return [name, shown_type, shown_province, city, district, address, phone, fax, email, person(rng),
            blank_or(rng, rng.choice(BUSINESS)), registered_capital, floor_area, founded_on, staff_count,
            blank_or(rng, rng.choice(PAYMENTS), 0.2), credit_days, bank, tax_no, account_no, credit_limit, grade,
            person(rng), mobile, notes]


def ensure_workbook(rows: int) -> Path:
    """The cached workbook of ``rows`` data rows, written (openpyxl write-only) when missing."""
    path = cache_path(rows)
    if path.exists():
        return path
    from openpyxl import Workbook

    from domain.import_mapping import auto_mapping

    mapped = auto_mapping(HEADERS)
    if len(mapped) != len(HEADERS):
        missing = [h for i, h in enumerate(HEADERS) if i not in mapped]
        raise SystemExit(f"the importer does not recognise these generated headers: {missing}")
    CACHE.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    print(f"generating {path.relative_to(ROOT)} ({rows} rows × {len(HEADERS)} columns) …", flush=True)
    rng = random.Random(20240501)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户档案")
    sheet.append([TITLE])
    sheet.append(HEADERS)
    for n in range(rows):
        sheet.append(generate_row(n, rng))
    partial = path.with_name(f"import_partial_{os.getpid()}.xlsx")
    book.save(partial)
    partial.replace(path)
    print(f"generated in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB", flush=True)
    return path
