"""年度归档 in AppTest: the current year can be chosen, as a volume 截至 today that cannot be closed."""
from domain import roles as R
from domain.formatting import local_today
from tests.pages.apptest import open_page, shown


def test_the_current_year_is_offered_as_a_volume_so_far(people):
    users, _ = people  # the page's customer was filed today: it is in this year's volume
    today = local_today()
    at = open_page("pages/volumes.py", users[R.ARCHIVIST])
    year = at.selectbox(key="volume_year")
    assert (year.options[:2], year.value) == ([f"{today.year}（截至今天）", str(today.year - 1)], today.year - 1)
    assert [b.label for b in at.button if "封存" in b.label] == [
        f"封存 {today.year - 1} 年度（此后该年记录只能由经理更正）"]

    year.set_value(today.year).run()
    assert not at.exception, at.exception
    assert any(f"截至 {today:%Y-%m-%d}" in text for text in shown(at.info))
    assert not [b for b in at.button if "封存" in b.label]  # an unfinished year is never closed
    at.button(key="volume_build").click().run()
    assert [b.label for b in at.get("download_button")] == [f"下载 {today.year} 年度档案（截至 {today:%Y-%m-%d}）"]


def test_a_filter_that_finds_no_customer_says_so_instead_of_offering_an_empty_export(people):
    users, _ = people
    today = local_today()
    at = open_page("pages/volumes.py", users[R.ARCHIVIST])
    at.selectbox(key="volume_year").set_value(today.year).run()
    at.text_input(key="volume_filter").input("没有这个客户").run()
    assert not at.exception, at.exception
    assert any("没有名称或档案号含「没有这个客户」的客户" in text for text in shown(at.info))
    assert not [b for b in at.button if b.key == "volume_build"]
    assert not at.error
