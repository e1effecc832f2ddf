"""年度归档 (archivist, admin): export customers' yearly volumes and close a year against edits."""
import streamlit as st

from components.auth import require_user
from components.feedback import refused, run_write, show_flash
from components.personal_data_views import deleted_archives
from db.engine import session_scope
from db.volumes import MAX_CUSTOMERS, close_year, closed_years, export_volumes, volume_candidates
from domain.errors import UserFacingError
from domain.formatting import local_time, local_today
from domain.volumes import CATEGORIES, volume_file_stem, volume_years

user = require_user(__file__)
show_flash()
st.title("年度归档")
st.caption("每位客户的年度档案按六大类整理（" + "、".join(f"{i}. {c}" for i, c in enumerate(CATEGORIES, 1)) +
           "），每个工作簿前有目录，当年上传的附件按类别放在同一文件夹。年度档案包括当年有任何记录（跟进、投诉、合同、应收与回款、"
           "分类变动、建档或修改等）的客户。年度封存后，该年的记录只能由经理更正，并记入历史。")
today = local_today()
years = volume_years(today)
year = st.selectbox("年度", years, index=1, key="volume_year",
                    format_func=lambda y: f"{y}（截至今天）" if y == today.year else str(y))
with session_scope() as session:
    closed = {c.year: c for c in closed_years(session)}
    candidates = volume_candidates(session, user, year)

if year in closed:
    st.success(f"{year} 年已于 {local_time(closed[year].closed_at)} 封存。")
elif year == today.year:
    st.info(f"{year} 年尚未结束：导出的是截至 {today:%Y-%m-%d} 的年度档案（未封存），年度结束后才能封存。")
else:
    with st.form("close_year"):
        note = st.text_input("封存说明", placeholder="例如：2025 年度档案已导出并装订")
        if st.form_submit_button(f"封存 {year} 年度（此后该年记录只能由经理更正）"):
            run_write(lambda s: close_year(s, user, year, note), f"{year} 年已封存")

st.subheader("导出年度档案")
names = {cid: f"{number} {name}" for cid, name, number in candidates}
text = st.text_input("按名称或档案号筛选", key="volume_filter")
shown = [cid for cid in names if text.strip() in names[cid]] if text.strip() else list(names)
st.caption(f"符合条件的客户 {len(shown)} 位；一次最多导出 {MAX_CUSTOMERS} 位。")
chosen = st.multiselect("选择客户（不选则导出上面筛选出的全部）", shown, format_func=names.get, key="volume_pick",
                        placeholder="全部")
if not shown:
    st.info(f"没有符合条件的客户：{year} 年没有任何记录的档案不进入年度档案" if not text.strip()
            else f"没有名称或档案号含「{text.strip()}」的客户，请换一个筛选词。")
elif st.button("生成年度档案（.zip）", type="primary", key="volume_build"):
    try:
        with session_scope() as session:
            st.session_state["volume_zip"] = (year, export_volumes(session, user, year, chosen or shown))
    except UserFacingError as exc:
        refused(exc)
if (built := st.session_state.get("volume_zip")) and built[0] == year:
    so_far = f"（截至 {today:%Y-%m-%d}）" if year == today.year else ""
    st.download_button(f"下载 {year} 年度档案{so_far}", built[1],
                       file_name=f"客户档案_{volume_file_stem(year, today)}.zip",
                       mime="application/zip", key="volume_download")

st.subheader("已删除的档案")
deleted_archives(user)
