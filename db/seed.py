"""Reference data every installation has (classification schemes) and the demo team.

``ensure_reference_data`` is idempotent and runs on every start; the demo data
is only loaded in demo mode (``start.sh``) or by ``manage.py seed-demo``.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.archives import ArchiveInput, create_customer, review_customer, set_customer_active
from db.cadence import fill_missing
from db.models import ClassScheme, ClassValue, Customer, User
from db.models_access import ServiceScope
from db.models_followups import CadenceRule, ContactStatus
from db.pool import release
from db.seed_followups import seed_demo_follow_ups, seed_demo_last_year, seed_demo_moves
from db.seed_papers import seed_demo_last_year_papers, seed_demo_papers
from db.users import create_user, get_user_by_username
from db.volumes import close_year
from domain import fields as F
from domain import review
from domain import roles as R
from domain.cadence import DEFAULT_RULES
from domain.formatting import local_today
from domain.pool import DEFAULT_CLASS_DAYS

AREA_CODES = {"广州": "020", "深圳": "0755", "佛山": "0757", "东莞": "0769", "南京": "025", "苏州": "0512",
              "无锡": "0510", "杭州": "0571", "宁波": "0574", "温州": "0577", "济南": "0531", "青岛": "0532",
              "烟台": "0535", "成都": "028", "绵阳": "0816", "宜宾": "0831", "武汉": "027", "宜昌": "0717",
              "北京": "010", "上海": "021"}

# (code, name, [(value code, value name, meaning, colour)]) — from DOMAIN.md §2.
SCHEMES = [
    ("importance", "重要性", [("key", "重点客户", "贡献大、忠诚度高", "#d62728"),
                             ("normal", "普通客户", "一般贡献", "#1f77b4"),
                             ("potential", "潜在客户", "尚未成交，有潜力", "#2ca02c")]),
    ("value", "价值等级", [("A", "A 战略合作", "合作一年以上、按时回款、签战略协议", "#d62728"),
                          ("B", "B 优质", "", "#ff7f0e"), ("C", "C 培养型", "", "#2ca02c"),
                          ("D", "D 普通", "", "#1f77b4"), ("E", "E 计划淘汰", "长期拖欠，计划淘汰", "#7f7f7f")]),
    ("horizon", "成交周期", [("A", "A 一个月内", "", "#d62728"), ("B", "B 三个月内", "", "#ff7f0e"),
                            ("C", "C 半年内", "", "#2ca02c"), ("D", "D 半年以上", "", "#1f77b4"),
                            ("E", "E 无望", "", "#7f7f7f")]),
    ("intent", "购买意向", [("H", "H 七天内", "", "#d62728"), ("A", "A 一个月内", "", "#ff7f0e"),
                           ("B", "B 一至三个月", "", "#2ca02c"), ("C", "C 三个月以上", "", "#1f77b4")]),
    ("tracking", "跟踪类别", [("ready", "准客户", "一个月内有明确需求", "#d62728"),
                             ("intent", "意向客户", "", "#ff7f0e"), ("good", "优质潜在客户", "", "#2ca02c"),
                             ("general", "一般潜在客户", "沟通不畅、暂无需求", "#7f7f7f")]),
    ("lifecycle", "生命周期", [("target", "目标及意向客户", "", "#1f77b4"), ("new", "新签客户", "首次进货", "#2ca02c"),
                              ("long", "长期客户", "签订长期合同", "#d62728"), ("lost", "流失客户", "", "#7f7f7f")]),
    ("distribution", "分销类型", [("exclusive", "独家型", "每区域一家", "#d62728"),
                                 ("selective", "选择型", "每区域 2–3 家", "#ff7f0e"),
                                 ("extensive", "广泛型", "每区域 7–8 家", "#1f77b4")]),
    ("service", "服务等级", [("vip", "VIP", "年销量最高", "#d62728"), ("t1", "一级", "", "#ff7f0e"),
                            ("t2", "二级", "", "#2ca02c"), ("other", "其他", "", "#7f7f7f")]),
]
ACTIVE_BY_DEFAULT = {"importance", "value", "lifecycle", "service"}
UNRANKED = {"distribution"}  # its classes are kinds, not better or worse
TERMINAL = {("lifecycle", "lost"), ("value", "E")}  # 流失, 计划淘汰: moving there always needs a reason

DEMO_PASSWORD = "KeDang#2026demo"
DEMO_USERS = [  # username, name, role, supervisor username
    ("admin", "系统管理员", R.ADMIN, None),
    ("manager", "李建国", R.MANAGER, None),
    ("zhangwei", "张伟", R.REP, "manager"),
    ("wangfang", "王芳", R.REP, "manager"),
    ("kefu", "陈静", R.SERVICE, None),
]


def ensure_reference_data(session: Session) -> None:
    """Create the seed classification schemes, with their cadence, if they are missing (never changes
    edited ones)."""
    existing = set(session.scalars(select(ClassScheme.code)))
    for order, (code, name, values) in enumerate(SCHEMES):
        if code in existing:
            continue
        scheme = ClassScheme(code=code, name=name, is_active=code in ACTIVE_BY_DEFAULT, sort_order=order,
                             is_ranked=code not in UNRANKED)
        session.add(scheme)
        session.flush()
        for i, (vcode, vname, meaning, color) in enumerate(values):
            value = ClassValue(scheme_id=scheme.id, code=vcode, name=vname, meaning=meaning or None,
                               color=color, sort_order=i, is_terminal=(code, vcode) in TERMINAL,
                               pool_days=DEFAULT_CLASS_DAYS.get((code, vcode)))
            session.add(value)
            session.flush()
            session.add_all(CadenceRule(value_id=value.id, channel=channel, times=times, every=every, unit=unit)
                            for channel, times, every, unit in DEFAULT_RULES.get((code, vcode), []))
    fill_missing(session)  # customers of a database older than the cadence get their due dates


def has_users(session: Session) -> bool:
    return (session.scalar(select(func.count(User.id))) or 0) > 0


def seed_demo_users(session: Session) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, name, role, supervisor in DEMO_USERS:
        user = get_user_by_username(session, username)
        if user is None:
            user = create_user(session, actor_id=None, username=username, name=name, role=role,
                               password=DEMO_PASSWORD,
                               supervisor_id=users[supervisor].id if supervisor else None)
            if role == R.SERVICE:  # the demo's customer service answers calls about every customer
                session.add(ServiceScope(user_id=user.id, manager_id=None))
        users[username] = user
    return users


CITIES = {"广东": ["广州", "深圳", "佛山", "东莞"], "江苏": ["南京", "苏州", "无锡"], "浙江": ["杭州", "宁波", "温州"],
          "山东": ["济南", "青岛", "烟台"], "四川": ["成都", "绵阳", "宜宾"], "湖北": ["武汉", "宜昌"],
          "北京": ["北京"], "上海": ["上海"]}
WORDS = ["好运来", "金百合", "福满楼", "华润", "永辉", "大润发", "四季春", "聚贤庄", "和盛", "鸿福", "万家",
         "锦江", "天和", "新世纪", "百姓", "同仁", "康泰", "盛世", "龙腾", "喜来登", "顺心", "东方", "佳乐", "明珠"]
KINDS = {"餐饮终端": ["大酒店", "酒楼", "海鲜餐厅", "食府"], "商超终端": ["超市", "购物广场", "便利店"],
         "经销商/批发": ["商贸有限公司", "酒业有限公司", "批发部"], "医院/药店": ["大药房", "医院"],
         "企业": ["科技有限公司", "实业有限公司"], "个人": ["（个人）"], "其他": ["商行"]}
PRODUCTS = ["五粮春 52度 500ml", "剑南春 水晶剑", "泸州老窖 特曲", "洋河 海之蓝", "金六福 福星", "郎酒 红花郎"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英"]


def _demo_archive(rng: random.Random, owner_id: int, schemes: list[tuple[int, list[int]]]) -> ArchiveInput:
    province = rng.choice(list(CITIES))
    city = rng.choice(CITIES[province])
    ctype = rng.choices(F.CUSTOMER_TYPES, weights=[30, 25, 15, 10, 10, 5, 5])[0]
    name = f"{city}{rng.choice(WORDS)}{rng.choice(KINDS[ctype])}"
    values = {
        "name": name, "customer_type": ctype, "province": province, "city": city,
        "district": rng.choice(["", "高新区", "开发区", "老城区"]),
        "address": f"{city}市{rng.choice(['人民路', '解放路', '中山路', '建设路'])}{rng.randint(1, 300)}号",
        "phone": f"{AREA_CODES[city]}-{rng.randint(20000000, 89999999)}" if rng.random() < 0.8 else "",
        "source": rng.choice(F.FIELDS_BY_NAME["source"].choices),
        "legal_rep": rng.choice(SURNAMES) + rng.choice(GIVEN) if rng.random() < 0.6 else "",
        "ownership": rng.choice(["私营", "私营", "国营", "合资"]),
        "sales_format": rng.choice(F.FIELDS_BY_NAME["sales_format"].choices),
        "registered_capital": rng.choice([50, 100, 200, 500, 1000]) if rng.random() < 0.7 else None,
        "floor_area": rng.randint(50, 3000) if rng.random() < 0.6 else None,
        "staff_count": rng.randint(3, 200) if rng.random() < 0.5 else None,
        "sales_tier": rng.choice(["高", "中", "低"]),
        "payment_method": rng.choice(["现金", "转帐"]),
        "credit_days": rng.choice([0, 15, 30, 60]) if rng.random() < 0.7 else None,
        "credit_limit": rng.choice([0, 20000, 50000, 100000]) if rng.random() < 0.6 else None,
        "payment_behaviour": rng.choices(["按时回款", "偶有拖欠", "经常拖欠"], weights=[6, 3, 1])[0],
        "investment": rng.choice([1, 2, 5, 8, 12, 20]) if rng.random() < 0.5 else None,
        "tripartite_signed": rng.random() < 0.3,
    }
    if values["tripartite_signed"]:
        values["tripartite_date"] = f"202{rng.randint(2, 5)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    if ctype == F.RESTAURANT:
        values.update(hall_tables=rng.randint(5, 60), private_rooms=rng.randint(0, 30),
                      lunch_occupancy=rng.randint(20, 95), dinner_occupancy=rng.randint(30, 100),
                      specialty=rng.choice(["海鲜", "中餐", "川菜", "粤菜", "火锅"]))
    contacts = [{"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "role": role,
                 "mobile": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                 "birthday": f"19{rng.randint(60, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                 if rng.random() < 0.5 else None}
                for role in rng.sample(F.CONTACT_ROLES[:4], rng.randint(1, 3))]
    products = [{"product": p, "purchase_price": rng.randint(60, 400), "shelf_price": rng.randint(420, 900),
                 "supplier": "本公司"} for p in rng.sample(PRODUCTS, rng.randint(0, 3))]
    sales = [{"product": p["product"], **{m: rng.randint(0, 120) for m in F.MONTHS}} for p in products[:2]]
    classes = {scheme: rng.choice(values) for scheme, values in schemes if rng.random() < 0.9}
    return ArchiveInput(values=values, contacts=contacts, products=products, sales=sales,
                        classes=classes, owner_id=owner_id)


def seed_demo(session: Session, customers: int = 300, seed: int = 42) -> int:
    """Load the demo team and ``customers`` demo archives; returns how many archives were added."""
    ensure_reference_data(session)
    users = seed_demo_users(session)
    if (session.scalar(select(func.count(Customer.id))) or 0) > 0:
        return 0
    rng = random.Random(seed)
    schemes = [(s.id, [v.id for v in s.values])
               for s in session.scalars(select(ClassScheme).where(ClassScheme.is_active.is_(True)))]
    created: list[Customer] = []
    for i in range(customers):
        if i and i % 50 == 0:
            users, created = _travel_light(session, users, created)
        manager = users["manager"]
        owner = rng.choice([users["zhangwei"], users["wangfang"]]) if i % 10 else manager
        customer = create_customer(session, owner, _demo_archive(rng, owner.id, schemes), confirm_duplicates=True)
        roll = rng.random()
        if customer.review_state == review.PENDING and roll < 0.85:
            review_customer(session, manager, customer.id, review.APPROVE)
        elif customer.review_state == review.PENDING and roll < 0.92:
            review_customer(session, manager, customer.id, review.RETURN, "请补充联系人电话和营业面积")
        if i % 37 == 5:
            set_customer_active(session, manager, customer.id, False, "客户已停业")
        created.append(customer)
    users, created = _travel_light(session, users, created)
    seed_demo_follow_ups(session, created, rng)
    seed_demo_papers(session, created, rng)
    users, created = _travel_light(session, users, created)
    _seed_demo_history(session, users, created, rng)
    _seed_demo_pool(session, users["manager"], users["zhangwei"], created)
    return customers


def _travel_light(session: Session, users: dict[str, User],
                  created: list[Customer]) -> tuple[dict[str, User], list[Customer]]:
    """Let go of everything loaded so far and reload the demo's people and customers: each bulk write
    (the cadence's refresh) compares itself against every loaded object, so a big session is a slow one."""
    session.flush()
    ids = [c.id for c in created]
    session.expunge_all()
    loaded = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return {name: session.get(User, u.id) for name, u in users.items()}, [loaded[i] for i in ids]


def _seed_demo_history(session: Session, users: dict[str, User], created: list[Customer], rng: random.Random) -> None:
    """Every fifth customer has been with us for years: last year's visits, invoices, contracts and
    complaints, then last year closed (年度归档); a third of the others moved class over the past half year."""
    owned = [c for c in created if c.is_active and c.owner_id is not None]
    veterans = owned[::5]
    seed_demo_last_year(session, veterans, rng)
    seed_demo_last_year_papers(session, veterans, rng, users["manager"], users["admin"])
    movers = [c for c in owned if c not in veterans][1::3]
    spread = max(len(movers) - 1, 1)  # evenly over the half year, so every month and most weeks show moves
    seed_demo_moves(session, movers, rng, [180 - 179 * k // spread for k in range(len(movers))])
    close_year(session, users["admin"], local_today().year - 1, "演示：上一年度档案已导出并装订")


def _seed_demo_pool(session: Session, manager: User, rep: User, created: list[Customer]) -> None:
    """A few customers in the 公海, and three of 张伟's long untended (on 今日待办: 即将退回公海)."""
    active = [c for c in created if c.is_active]
    for customer in active[3::15]:
        release(session, manager, customer.id, "演示：原负责人调岗，客户转入公海")
    session.flush()
    last = dict(session.execute(select(ContactStatus.customer_id, ContactStatus.last_any)).all())
    long_ago = local_today() - dt.timedelta(days=57)
    untended = [c for c in active if c.owner_id == rep.id and (last.get(c.id) or long_ago) <= long_ago]
    for customer in untended[:3]:
        customer.owner_since = long_ago
