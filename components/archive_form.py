"""The whole archive card as a form, grouped like the paper card, drawn from the registry."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from components.feedback import flash, refused
from components.field_widgets import field_widget, reset_form_state, table_editor, to_widget_value
from components.forms import ALREADY_SAVED, clear, save_once
from db.archives import ArchiveInput, DuplicatesFound
from db.models import ClassScheme, User
from domain import fields as F
from domain.errors import ConflictError, UserFacingError
from domain.formatting import local_today, plain
from domain.roles import ROLE_LABELS
from domain.validation import ValidationError

T = TypeVar("T")

CHILD_SECTIONS = {"contacts": "联系人", "products": "产品与竞品", "competitors": "产品与竞品", "sales": "月度销量"}
TABS = [F.BASIC, "联系人", F.BUSINESS, F.FINANCE, "产品与竞品", "月度销量", F.AGREEMENT, "分类与负责人"]


def _tab_label(name: str, errors: dict[str, str]) -> str:
    has_error = any(F.FIELDS_BY_NAME[k].group == name for k in errors if k in F.FIELDS_BY_NAME) or any(
        CHILD_SECTIONS.get(k) == name for k in errors)
    return f"{name} ⚠" if has_error else name


def error_summary(errors: dict[str, str]) -> None:
    """A list at the top naming each error's section and field, so none hides in a closed tab."""
    lines = []
    for key, message in errors.items():
        field = F.FIELDS_BY_NAME.get(key)
        if field:
            lines.append(f"- {field.group} › {field.label}：{plain(message)}")
        elif key != "reason":
            lines.append(f"- {CHILD_SECTIONS.get(key, key)}：{plain(message)}")
    if lines:
        st.error("请修改以下内容后再保存：\n" + "\n".join(lines))


def archive_form(key: str, initial: ArchiveInput, *, schemes: list[ClassScheme], owners: list[User],
                 can_assign_owner: bool, errors: dict[str, str]) -> ArchiveInput:
    """Draw the form under widget-key prefix ``key``; return what it holds now."""
    error_summary(errors)
    st.caption("保存时统一写法：全角字母和数字改为半角（ＡＢ１２ → AB12），电话改为标准格式，"
               "只写年份或年月的日期记为该年或该月的 1 日。其他内容按所填保存。")
    tabs = dict(zip(TABS, st.tabs([_tab_label(t, errors) for t in TABS])))
    values: dict[str, Any] = {}
    with tabs[F.BASIC]:
        values.update(_field_grid(key, F.BASIC, initial.values, errors, customer_type=None))
    customer_type = values.get("customer_type")
    for group in (F.BUSINESS, F.FINANCE, F.AGREEMENT):
        with tabs[group]:
            if group == F.BUSINESS and customer_type != F.RESTAURANT:
                st.caption("大厅桌数、包厢间数、上座率、经营特色仅在客户类型为「餐饮终端」时填写。")
            values.update(_field_grid(key, group, initial.values, errors, customer_type=customer_type))
    with tabs["联系人"]:
        contacts = _contacts_editor(key, initial.contacts, errors)
    with tabs["产品与竞品"]:
        products, competitors = _products_editors(key, initial, errors)
    with tabs["月度销量"]:
        sales = _sales_editor(key, initial, errors)
    with tabs["分类与负责人"]:
        classes = _class_pickers(key, initial.classes, schemes)
        owner_id = _owner_picker(key, initial.owner_id, owners) if can_assign_owner else initial.owner_id
    return ArchiveInput(values=values, contacts=contacts, products=products, competitors=competitors,
                        sales=sales, sales_year=initial.sales_year, classes=classes, owner_id=owner_id)


def form_changed(key: str, initial: ArchiveInput) -> bool:
    """Whether the form under ``key`` holds anything the user changed (or tried to save) since it was
    filled from ``initial``; read from the session, without drawing the form."""
    state = st.session_state
    if any(state.get(f"{key}:{name}") for name in ("errors", "dups", "conflict", "reason")):
        return True
    for table in ("contacts", "products", "competitors", "sales"):
        edits = state.get(f"{key}:{table}") or {}
        if any(edits.get(kind) for kind in ("edited_rows", "added_rows", "deleted_rows")):
            return True
    def blank_is_none(value: Any) -> Any:  # an emptied text box holds "", an untouched one None
        return None if value == "" else value

    for field in F.ARCHIVE_FIELDS:
        widget_key = f"{key}:{field.name}"
        shown = to_widget_value(field, initial.values.get(field.name))
        if widget_key in state and blank_is_none(state[widget_key]) != blank_is_none(shown):
            return True
    prefix = f"{key}:class:"
    picked = {int(k[len(prefix):]): v for k, v in state.items() if isinstance(k, str) and k.startswith(prefix)}
    if any(initial.classes.get(scheme_id) != value_id for scheme_id, value_id in picked.items()):
        return True
    return state.get(f"{key}:owner", initial.owner_id) != initial.owner_id


def _field_grid(key: str, group: str, initial: dict[str, Any], errors: dict[str, str],
                customer_type: str | None) -> dict[str, Any]:
    fields = [f for f in F.fields_in_group(group) if group == F.BASIC or f.applies_to(customer_type)]
    values: dict[str, Any] = {}
    columns = st.columns(3)
    for i, field in enumerate(fields):
        target = st.container() if field.kind == F.LONGTEXT else columns[i % 3]
        with target:
            values[field.name] = field_widget(field, f"{key}:{field.name}", initial.get(field.name),
                                              errors.get(field.name))
    return values


def _contacts_editor(key: str, rows: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, Any]]:
    st.caption("可添加多位联系人；负责人、采购负责人、财务负责人的生日和嗜好用于生日关怀。")
    for row in rows:
        if isinstance(row.get("birthday"), dt.date):
            row["birthday"] = pd.Timestamp(row["birthday"])
    result = table_editor(f"{key}:contacts", rows, F.CONTACT_FIELDS, {
        "name": st.column_config.TextColumn("姓名 *", max_chars=40),
        "role": st.column_config.SelectboxColumn("角色", options=list(F.CONTACT_ROLES)),
        "birthday": st.column_config.DateColumn("生日", format="YYYY-MM-DD",
                                                min_value=dt.date(1900, 1, 1), max_value=local_today()),
    })
    if errors.get("contacts"):
        st.markdown(f":red[⚠ {plain(errors['contacts'])}]")
    return result


def _products_editors(key: str, initial: ArchiveInput, errors: dict[str, str]):
    st.markdown("**进店产品**")
    products = table_editor(f"{key}:products", initial.products, F.PRODUCT_FIELDS, {
        "purchase_price": st.column_config.NumberColumn("进价（元）", min_value=0, format="%.2f"),
        "shelf_price": st.column_config.NumberColumn("售价（元）", min_value=0, format="%.2f"),
    })
    if errors.get("products"):
        st.markdown(f":red[⚠ {plain(errors['products'])}]")
    st.markdown("**竞品及价格**（含各档次畅销品牌）")
    competitors = table_editor(f"{key}:competitors", initial.competitors, F.COMPETITOR_FIELDS, {
        "tier": st.column_config.SelectboxColumn("档次", options=list(F.TIERS)),
        "price": st.column_config.NumberColumn("价格（元）", min_value=0, format="%.2f"),
    })
    if errors.get("competitors"):
        st.markdown(f":red[⚠ {plain(errors['competitors'])}]")
    return products, competitors


# Month columns are keyed "m1"…"m12": streamlit reads integer keys as column positions.
SALES_COLUMNS = {"product": "品种", **{f"m{m}": f"{m}月" for m in F.MONTHS}}


def _sales_editor(key: str, initial: ArchiveInput, errors: dict[str, str]) -> list[dict[str, Any]]:
    st.caption(f"{initial.sales_year} 年各品种每月销量（瓶/件），合计自动计算。")
    config = {f"m{m}": st.column_config.NumberColumn(f"{m}月", min_value=0, step=1, format="%d") for m in F.MONTHS}
    start = [{"product": r.get("product"), **{f"m{m}": r.get(m) for m in F.MONTHS}} for r in initial.sales]
    edited = table_editor(f"{key}:sales", start, SALES_COLUMNS, config)
    rows = [{"product": r.get("product"), **{m: r.get(f"m{m}") for m in F.MONTHS}} for r in edited]
    totals = sales_totals(rows)
    if not totals.empty:
        st.dataframe(totals, hide_index=True, width="stretch")
    if errors.get("sales"):
        st.markdown(f":red[⚠ {plain(errors['sales'])}]")
    return rows


def sales_totals(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Yearly total per product plus the grand total (销量合计)."""
    records = []
    for row in rows:
        if not row.get("product"):
            continue
        total = sum(int(row.get(m) or 0) for m in F.MONTHS)
        records.append({"品种": row["product"], "销量合计": total})
    if records:
        records.append({"品种": "全部品种", "销量合计": sum(r["销量合计"] for r in records)})
    return pd.DataFrame(records)


def _class_pickers(key: str, initial: dict[int, int | None], schemes: list[ClassScheme]) -> dict[int, int | None]:
    chosen: dict[int, int | None] = {}
    columns = st.columns(2)
    for i, scheme in enumerate(schemes):
        values = [v for v in scheme.values if not v.is_retired or v.id == initial.get(scheme.id)]
        names = {v.id: v.name for v in values}
        widget_key = f"{key}:class:{scheme.id}"
        if widget_key not in st.session_state:
            st.session_state[widget_key] = initial.get(scheme.id)
        with columns[i % 2]:
            chosen[scheme.id] = st.selectbox(plain(scheme.name), [None, *names], key=widget_key,
                                             format_func=lambda v, n=names: "（未分类）" if v is None else n[v],
                                             placeholder="（未分类）")
    return chosen


def _owner_picker(key: str, initial: int | None, owners: list[User]) -> int | None:
    names = {u.id: f"{u.name}（{ROLE_LABELS.get(u.role, u.role)}）" for u in owners}
    widget_key = f"{key}:owner"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = initial if initial in names else None
    return st.selectbox("负责人（业务员）", [None, *names], key=widget_key,
                        format_func=lambda v: "（我自己）" if v is None else names[v], placeholder="（我自己）")


def submit_archive(key: str, write: Callable[[Session], T]) -> T | None:
    """Run a save of the form under ``key`` in one transaction.

    On a refusal nothing is written and everything typed stays: validation errors go
    beside their fields, possible duplicates and edit conflicts above the save button. The same
    submission arriving twice (a double click) is saved once (components/forms.save_once).
    """
    try:
        result = save_once(key, write)
    except ValidationError as exc:
        st.session_state[f"{key}:errors"] = exc.errors
    except DuplicatesFound as exc:
        st.session_state[f"{key}:errors"] = {}
        st.session_state[f"{key}:dups"] = exc.duplicates
    except ConflictError as exc:
        st.session_state[f"{key}:conflict"] = str(exc)
    except UserFacingError as exc:
        refused(exc)
        return None
    else:
        clear(key)  # the next save of this form is a new submission
        if result is not ALREADY_SAVED:
            return result
        reset_form_state(f"{key}:")  # a repeat of the save just made (a double click): nothing more written
        flash("已保存（同一份表单提交了两次，只保存了一次）")
    st.rerun()
