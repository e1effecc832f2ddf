"""The archive field registry: every field of the customer card, declared once.

The form, validation, history labels, completeness, the database columns
(db/models.py) and later the import mapping and export all read this list.
To add a field: add one ``Field(...)`` line here, then generate a migration
(docs/architecture.md, "How to add a field").
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Kinds of field and what the form shows for them.
TEXT, LONGTEXT, CHOICE, INT, DECIMAL, PERCENT, DATE, BOOL = (
    "text", "longtext", "choice", "int", "decimal", "percent", "date", "bool")
PHONE, EMAIL, URL, TAX_NO, ACCOUNT_NO = "phone", "email", "url", "tax_no", "account_no"

TEXT_KINDS = {TEXT, LONGTEXT, CHOICE, PHONE, EMAIL, URL, TAX_NO, ACCOUNT_NO}
NUMBER_KINDS = {INT, DECIMAL, PERCENT}

RESTAURANT = "餐饮终端"
CUSTOMER_TYPES = (RESTAURANT, "商超终端", "经销商/批发", "医院/药店", "企业", "个人", "其他")

# The sections of the paper card, in order. Child tables (联系人, 产品与竞品,
# 月度销量) are sections of their own, drawn by components/archive_form.py.
BASIC, BUSINESS, FINANCE, AGREEMENT = "基本信息", "经营情况", "财务信息", "协议与合同"
GROUPS = (BASIC, BUSINESS, FINANCE, AGREEMENT)


@dataclass(frozen=True)
class Field:
    """One field of the customer archive."""

    name: str
    label: str
    kind: str
    group: str
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 100
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    only_for_type: str | None = None  # shown, checked and counted only for this customer type
    help: str = ""
    masked: bool | None = None        # hidden in part from masked roles; None: by kind (phones, account numbers)
    needs_signoff: bool = False       # a rep's change waits for a supervisor (domain/signoff.py)
    filterable: bool = False          # a choice field offered as a filter on 客户档案 (pages/archives.py)
    synonyms: tuple[str, ...] = ()    # other headers offices give this column (the import reads them too)
    example: Any = None               # the import template's example row

    @property
    def is_masked(self) -> bool:
        return self.kind in (PHONE, ACCOUNT_NO) if self.masked is None else self.masked

    @property
    def label_with_unit(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def applies_to(self, customer_type: str | None) -> bool:
        return self.only_for_type is None or self.only_for_type == customer_type


PROVINCES: dict[str, str] = {
    "北京": "BJ", "天津": "TJ", "河北": "HE", "山西": "SX", "内蒙古": "NM", "辽宁": "LN",
    "吉林": "JL", "黑龙江": "HL", "上海": "SH", "江苏": "JS", "浙江": "ZJ", "安徽": "AH",
    "福建": "FJ", "江西": "JX", "山东": "SD", "河南": "HA", "湖北": "HB", "湖南": "HN",
    "广东": "GD", "广西": "GX", "海南": "HI", "重庆": "CQ", "四川": "SC", "贵州": "GZ",
    "云南": "YN", "西藏": "XZ", "陕西": "SN", "甘肃": "GS", "青海": "QH", "宁夏": "NX",
    "新疆": "XJ", "台湾": "TW", "香港": "HK", "澳门": "MO",
}

ARCHIVE_FIELDS: tuple[Field, ...] = (
    # 基本信息
    Field("name", "客户名称", TEXT, BASIC, required=True, max_length=120,
          synonyms=("客户名称", "客户名", "单位名称", "名称", "客户", "客户全称", "公司名称", "企业名称", "店名",
                    "门店名称"),
          example="深圳市好运来餐饮有限公司"),
    Field("short_name", "简称", TEXT, BASIC, max_length=40, synonyms=("简称", "客户简称"), example="好运来"),
    Field("customer_type", "客户类型", CHOICE, BASIC, required=True, choices=CUSTOMER_TYPES,
          synonyms=("客户类型", "类型", "客户类别", "渠道类型")),
    Field("terminal_subtype", "终端细分", CHOICE, BASIC,
          choices=("酒店", "餐厅", "国际卖场", "中型超市", "小型超市", "商场", "批发市场", "其他"),
          synonyms=("终端细分", "终端类型", "业态")),
    Field("industry", "所属行业", TEXT, BASIC, max_length=60, synonyms=("所属行业", "行业")),
    Field("main_business", "主营业务", TEXT, BASIC, max_length=200,
          synonyms=("主营业务", "主营", "主营产品", "经营范围")),
    Field("source", "客户来源", CHOICE, BASIC, filterable=True,
          choices=("陌生拜访", "客户介绍", "展会", "网络", "电话咨询", "广告", "老客户", "其他"),
          synonyms=("客户来源", "来源")),
    Field("province", "省份", CHOICE, BASIC, required=True, choices=tuple(PROVINCES),
          synonyms=("省份", "省", "所在省份", "省区"), example="广东"),
    Field("city", "城市", TEXT, BASIC, max_length=40, synonyms=("城市", "市", "所在城市", "地市"), example="深圳"),
    Field("district", "区县", TEXT, BASIC, max_length=40, synonyms=("区县", "区/县", "县区", "区"), example="南山区"),
    Field("address", "地址", TEXT, BASIC, max_length=200,
          synonyms=("地址", "详细地址", "经营地址", "公司地址", "通讯地址", "注册地址"),
          example="广东省深圳市南山区科技园路 1 号"),
    Field("phone", "电话", PHONE, BASIC, max_length=40,
          synonyms=("电话", "联系电话", "手机", "手机号", "手机号码", "电话号码", "办公电话", "固定电话", "座机"),
          example="0755-12345678"),
    Field("fax", "传真", PHONE, BASIC, max_length=40, synonyms=("传真", "传真号码")),
    Field("email", "电子邮箱", EMAIL, BASIC, max_length=120,
          synonyms=("电子邮箱", "邮箱", "email", "e-mail", "电子邮件")),
    Field("website", "网址", URL, BASIC, max_length=200, synonyms=("网址", "网站", "公司网址")),
    Field("legal_rep", "法人代表", TEXT, BASIC, max_length=40, synonyms=("法人代表", "法人", "法定代表人"),
          example="王大发"),
    # 经营情况
    Field("business_nature", "经营性质", TEXT, BUSINESS, max_length=60, synonyms=("经营性质", "企业性质")),
    Field("ownership", "所有制", CHOICE, BUSINESS, choices=("国营", "私营", "外资", "合资", "其他"),
          synonyms=("所有制", "所有制形式")),
    Field("sales_format", "售卖形式", CHOICE, BUSINESS, choices=("开架", "柜售", "散摊", "批零", "其他"),
          synonyms=("售卖形式",)),
    Field("exclusive_supply", "是否独家供货", BOOL, BUSINESS, synonyms=("是否独家供货", "独家供货")),
    Field("registered_capital", "注册资金", DECIMAL, BUSINESS, minimum=0, unit="万元",
          synonyms=("注册资金", "注册资本"), example=50),
    Field("floor_area", "营业面积", DECIMAL, BUSINESS, minimum=0, unit="m²", synonyms=("营业面积", "经营面积", "面积")),
    Field("founded_on", "成立时间", DATE, BUSINESS,
          synonyms=("成立时间", "营业起始时间", "成立日期", "开业时间", "开业日期", "注册日期"),
          example=dt.date(2019, 5, 1)),
    Field("premises_leased", "经营场所是否租赁", BOOL, BUSINESS, synonyms=("经营场所是否租赁", "是否租赁", "场所租赁")),
    Field("staff_count", "员工人数", INT, BUSINESS, minimum=0, maximum=1_000_000, unit="人",
          synonyms=("员工人数", "员工数", "人数", "职工人数"), example=30),
    Field("sales_tier", "销售档次", CHOICE, BUSINESS, choices=("高", "中", "低"), synonyms=("销售档次", "档次")),
    Field("group_consumption", "团体消费", CHOICE, BUSINESS, choices=("大", "中", "小"), synonyms=("团体消费",)),
    Field("scale_grade", "规模分级", CHOICE, BUSINESS, choices=("A", "B", "C", "D"), synonyms=("规模分级", "规模等级")),
    Field("share_grade", "份额分级", CHOICE, BUSINESS, choices=("A", "B", "C", "D"), synonyms=("份额分级", "份额等级")),
    Field("hall_tables", "大厅桌数", INT, BUSINESS, minimum=0, maximum=10_000, unit="桌",
          only_for_type=RESTAURANT, synonyms=("大厅桌数", "桌数"), example=20),
    Field("private_rooms", "包厢间数", INT, BUSINESS, minimum=0, maximum=10_000, unit="间",
          only_for_type=RESTAURANT, synonyms=("包厢间数", "包厢数", "包间数"), example=8),
    Field("lunch_occupancy", "中餐上座率", PERCENT, BUSINESS, minimum=0, maximum=100, unit="%",
          only_for_type=RESTAURANT, synonyms=("中餐上座率",)),
    Field("dinner_occupancy", "晚餐上座率", PERCENT, BUSINESS, minimum=0, maximum=100, unit="%",
          only_for_type=RESTAURANT, synonyms=("晚餐上座率",)),
    Field("specialty", "经营特色", TEXT, BUSINESS, max_length=60, only_for_type=RESTAURANT,
          help="如：海鲜、中餐、火锅", synonyms=("经营特色", "特色"), example="海鲜"),
    # 财务信息
    Field("payment_method", "付款方式", CHOICE, FINANCE, choices=("现金", "转帐", "承兑", "其他"),
          synonyms=("付款方式", "结算方式")),
    Field("credit_days", "账期", INT, FINANCE, minimum=0, maximum=3650, unit="天", needs_signoff=True,
          synonyms=("账期", "帐期", "信用期", "回款周期"), example=30),
    Field("bank", "开户行", TEXT, FINANCE, max_length=100, needs_signoff=True, synonyms=("开户行", "开户银行")),
    Field("tax_no", "税号", TAX_NO, FINANCE, max_length=20,
          help="统一社会信用代码或税务登记号，15/18/20 位",
          synonyms=("税号", "纳税人识别号", "统一社会信用代码", "信用代码", "税务登记号"),
          example="91440300MA5ABCDE1X"),
    Field("account_no", "账号", ACCOUNT_NO, FINANCE, max_length=40, needs_signoff=True,
          synonyms=("账号", "帐号", "银行账号", "银行帐号")),
    Field("credit_limit", "信用额度", DECIMAL, FINANCE, minimum=0, unit="元", needs_signoff=True,
          synonyms=("信用额度", "授信额度")),
    Field("payment_behaviour", "回款表现", CHOICE, FINANCE,
          choices=("按时回款", "偶有拖欠", "经常拖欠"), synonyms=("回款表现", "回款情况")),
    Field("investment", "年度投入", DECIMAL, FINANCE, minimum=0, unit="万元", synonyms=("年度投入", "投入")),
    Field("contract_fees", "合同费用", DECIMAL, FINANCE, minimum=0, unit="万元", synonyms=("合同费用",)),
    # 协议与合同
    Field("tripartite_signed", "是否签订三方协议", BOOL, AGREEMENT, synonyms=("是否签订三方协议", "三方协议")),
    Field("tripartite_date", "三方协议签订日期", DATE, AGREEMENT, synonyms=("三方协议签订日期", "三方协议日期")),
    Field("tripartite_no", "三方协议编号", TEXT, AGREEMENT, max_length=40, synonyms=("三方协议编号",)),
    Field("expected_deal_date", "预计成交日期", DATE, AGREEMENT,
          help="尚未成交的客户预计何时成交；用于建议「成交周期」分类",
          synonyms=("预计成交日期", "预计成交时间", "预计签约日期")),
    Field("notes", "备注", LONGTEXT, AGREEMENT, max_length=2000, synonyms=("备注", "说明"),
          example="示例行，导入前请删除"),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in ARCHIVE_FIELDS}
# 客户档案's filters beyond 区域 and 客户类型 (which the board, the 驾驶舱 and the command line filter by too).
FILTERS: tuple[Field, ...] = tuple(f for f in ARCHIVE_FIELDS if f.filterable and f.kind == CHOICE)


def fields_in_group(group: str) -> list[Field]:
    return [f for f in ARCHIVE_FIELDS if f.group == group]


# Child tables of the card. Their labels appear in the form and in the history.
CONTACT_ROLES = ("负责人", "采购负责人", "财务负责人", "决策人", "其他")
CONTACT_FIELDS: dict[str, str] = {
    "name": "姓名", "role": "角色", "title": "职务", "mobile": "手机", "phone": "电话",
    "birthday": "生日", "hobbies": "嗜好", "education": "学历", "notes": "备注",
}
PRODUCT_FIELDS: dict[str, str] = {
    "product": "品种", "purchase_price": "进价（元）", "shelf_price": "售价（元）", "supplier": "供货商",
}
COMPETITOR_FIELDS: dict[str, str] = {
    "product": "竞品", "tier": "档次", "price": "价格（元）", "notes": "说明",
}
TIERS = ("高档", "中档", "低档")
MONTHS = tuple(range(1, 13))
