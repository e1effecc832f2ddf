"""What a user does in KeDang's pages, in Playwright terms (Streamlit widgets and the canvas grids).

Streamlit reruns are asynchronous: every helper waits for what the user would see next.
st.data_editor / st.dataframe draw on a canvas (glide-data-grid); their cells are reached by
mouse position and keyboard, and read back from the accessible <table> the grid keeps inside
its canvas (it holds the rows currently on screen).
"""
from __future__ import annotations

import re
import time
from typing import Callable
from urllib.parse import unquote

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import factories
from tests.browser.conftest import TIMEOUT_MS, AppServer

COOKIE_SETTLE_SECONDS = 1.5  # the login cookie is written by a component a moment after the page renders
HEADER_HEIGHT = 36  # glide-data-grid header row (px), then one row per ROW_HEIGHT
ROW_HEIGHT = 35
FIRST_COLUMN_X = 55  # inside the first data column, right of the row-marker column


# --- login ---------------------------------------------------------------------------------------

def expect_login_form(page: Page) -> None:
    """The login form, once: while a rerun is going the form of the previous run can still be on
    screen next to the new one (e.g. right after 退出登录), hence settle() first."""
    expect(page.get_by_role("button", name="登录", exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    for control in (page.get_by_label("用户名", exact=True), page.get_by_label("密码", exact=True),
                    page.get_by_role("button", name="登录", exact=True)):
        expect(control).to_have_count(1, timeout=TIMEOUT_MS)
        expect(control).to_be_visible()


def submit_login(page: Page, username: str, password: str = factories.PASSWORD) -> None:
    """Fill and submit the login form already on screen."""
    expect_login_form(page)
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def login(page: Page, server: AppServer, username: str, name: str) -> None:
    """Open the app's start page, log in, and wait for the greeting and the role's sidebar."""
    page.goto(server.url + "/")
    submit_login(page, username)
    # .first: while the login's second run draws, the first run's greeting can still be on screen
    expect(page.get_by_role("heading", name=f"您好，{name}").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(sidebar(page).get_by_role("button", name="退出登录").first).to_be_visible(timeout=TIMEOUT_MS)
    time.sleep(COOKIE_SETTLE_SECONDS)


def archive_tab(page: Page, server: AppServer, customer_id: int, tab: str) -> Locator:
    """As the logged-in user: open the archive and the tab ``tab``; returns the tab's panel."""
    page.goto(server.page_url(f"archive?id={customer_id}"))
    expect(page.get_by_role("tab", name=tab)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    panel = open_tab(page, tab)
    settle(page)
    return panel


def visible_grid(scope: Locator | Page) -> Locator:
    """The st.dataframe / st.data_editor on screen in ``scope`` (grids in closed tabs, or left over
    from the previous page while the next one renders, are not)."""
    return scope.get_by_test_id("stDataFrame").filter(visible=True)


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def open_from_sidebar(page: Page, title: str) -> None:
    """Click the page in the sidebar once the app has stopped rerunning (right after a login, the
    login cookie and the return to a deep link rerun the app once more and would undo the click)."""
    settle(page)
    sidebar(page).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=TIMEOUT_MS)


# --- widgets -------------------------------------------------------------------------------------

def choose(page: Page, label: str, option: str, scope: Locator | Page | None = None) -> None:
    """Pick ``option`` in the selectbox labelled ``label``: open it, type to filter, click the option."""
    box = (scope or page).get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("listbox").get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(box).to_have_value(option)


def fill(scope: Locator | Page, label: str, value: str) -> None:
    """Type into a text input and leave it (Tab), which sends the value to the app."""
    field = scope.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")


def open_tab(page: Page, name: str) -> Locator:
    """Click the tab (its label may carry a ⚠ when it holds errors) and return its panel."""
    tab = page.get_by_role("tab", name=re.compile(rf"^{re.escape(name)}( ⚠)?$"))
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel", name=re.compile(rf"^{re.escape(name)}"))
    expect(panel).to_be_visible()
    return panel


def settle(page: Page, quiet_ms: int = 700) -> None:
    """Wait until no script has run for ``quiet_ms``: some actions cause a second rerun a moment
    later (the login cookie component), and until it ends the previous run's elements can still
    be on screen next to the new ones."""
    page.wait_for_function(
        """quiet => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && performance.now() - window.__kdLastChange > quiet;
        }""", arg=quiet_ms, timeout=TIMEOUT_MS)


def click_when_settled(page: Page, target: Locator) -> None:
    """Click a button once the page has stopped rerunning: a click on an element that the running
    rerun is about to replace (e.g. just after a page switch) can be lost."""
    settle(page)
    target.click()


def after_rerun(page: Page, action: Callable[[], None]) -> None:
    """Do ``action`` (a click, a key) and wait until the script run it starts has finished.

    A click sent while an earlier run is still going makes Streamlit stop that run, so steps
    that must each reach the server (e.g. counted login failures) wait for their run to end.
    """
    before = page.evaluate("() => window.__kdRuns")
    action()
    page.wait_for_function("before => window.__kdRuns > before", arg=before, timeout=TIMEOUT_MS)


# --- grids (st.data_editor, st.dataframe) --------------------------------------------------------

def grid_rows(grid: Locator) -> list[list[str]]:
    """The rows on screen, as cell texts, read from the grid's accessible table. The accessible table
    holds a link cell's address: a customer-name link (archive?id=N#name) is read as the name the grid
    draws (components/customer_table.archive_url)."""
    rows = grid.locator("table[role=grid] tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(c => (c.textContent || '').trim()))")
    return [[_link_text(cell) for cell in row] for row in rows]


def _link_text(cell: str) -> str:
    found = re.fullmatch(r"archive\?id=\d+#(.+)", cell)
    return unquote(found.group(1)) if found else cell


def grid_headers(grid: Locator) -> list[str]:
    return grid.locator("table[role=grid] thead th").evaluate_all(
        "cells => cells.map(c => (c.textContent || '').trim())")


def _canvas_box(grid: Locator) -> dict:
    canvas = grid.get_by_test_id("data-grid-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box, "grid canvas not on screen"
    return box


def _cell_editor(page: Page) -> Locator:
    """The overlay editor glide-data-grid opens over the cell being edited."""
    return page.locator('[id^="gdg-overlay-"]').locator("textarea, input")


def editor_add_row(page: Page, grid: Locator, values: list[str | None]) -> None:
    """Add one row to an st.data_editor: click the empty trailing row (which appends a row and
    opens the editor on its first cell), then fill the cells left to right; ``None`` skips a column.

    Keys as a user presses them: Enter opens the editor on the selected cell, Tab saves the cell
    and moves right, ArrowRight moves without editing. Each step waits for the cell editor to
    open or close: keys typed before it has focus are lost.
    """
    before = len([r for r in grid_rows(grid) if any(r)])
    editor = _cell_editor(page)
    settle(page, quiet_ms=300)  # a click on a grid the running rerun is redrawing can be lost
    for attempt in range(2):
        box = _canvas_box(grid)
        runs = page.evaluate("() => window.__kdRuns")
        page.mouse.click(box["x"] + FIRST_COLUMN_X, box["y"] + box["height"] - ROW_HEIGHT / 2)
        # Adding the row reruns the app; a value typed while that rerun is coming back can be lost
        # (seen in CI: the new row's first cell came back empty), so type once that run has ended.
        try:
            page.wait_for_function("before => window.__kdRuns > before", arg=runs, timeout=3000)
        except PlaywrightTimeout:
            pass  # no rerun came (the row was added in the browser only)
        settle(page, quiet_ms=300)
        if editor.count() == 0:
            page.keyboard.press("Enter")
        try:
            expect(editor).to_be_focused(timeout=TIMEOUT_MS // 3)
            break
        except AssertionError:  # the click was lost on a busy machine (seen in CI): click once more
            if attempt == 1:
                raise
    column = 0
    for index, value in enumerate(values):
        if value is None:
            continue
        while column < index:
            page.keyboard.press("ArrowRight")
            column += 1
        if index > 0:
            page.keyboard.press("Enter")
        expect(editor).to_be_focused(timeout=TIMEOUT_MS)
        page.keyboard.type(value, delay=20)
        expect(editor).to_have_value(value)
        page.keyboard.press("Tab")
        expect(editor).to_have_count(0, timeout=TIMEOUT_MS)
        # Each saved cell reruns the app; an edit made while that rerun is still coming back
        # can be overwritten by it (seen with a number cell), so let it finish first.
        settle(page, quiet_ms=300)
        column += 1
    expect_grid_row(grid, [v or "" for v in values], timeout=TIMEOUT_MS)
    assert len([r for r in grid_rows(grid) if any(r)]) == before + 1


def expect_grid_row(grid: Locator, expected: list[str], timeout: int = TIMEOUT_MS) -> list[str]:
    """Wait until a row whose leading cells equal ``expected`` ('' matches anything) is on screen."""
    deadline = time.monotonic() + timeout / 1000
    rows: list[list[str]] = []
    while time.monotonic() < deadline:
        rows = grid_rows(grid)
        for row in rows:
            if all(want == "" or (i < len(row) and row[i] == want) for i, want in enumerate(expected)):
                return row
        time.sleep(0.2)
    raise AssertionError(f"no grid row like {expected}; rows on screen: {rows} "
                         f"({grid.count()} grid(s) matched, {grid.filter(visible=True).count()} visible)")


def open_row(page: Page, grid: Locator, match: str, column: str, opened: Locator) -> None:
    """Open the row of an st.dataframe (single-row selection, the app switches page on select)
    whose ``column`` cell is ``match``, by clicking its row marker as a user does; wait for
    ``opened``. A click that lands while the grid is being redrawn by a rerun can be lost, so
    the click is repeated (at most three times) if nothing opened."""
    col = grid_headers(grid).index(column)
    for attempt in range(3):
        settle(page)
        if attempt and opened.is_visible():  # the previous click got there, only slowly
            return
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            rows = grid_rows(grid)
            hits = [i for i, r in enumerate(rows) if col < len(r) and r[col] == match]
            if hits or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert hits, f"{match!r} not in column {column} of {rows}"
        box = _canvas_box(grid)
        page.mouse.click(box["x"] + 16, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * hits[0] + ROW_HEIGHT / 2)
        try:
            expect(opened).to_be_visible(timeout=5000 if attempt < 2 else TIMEOUT_MS)
            return
        except AssertionError:
            if attempt == 2:
                raise


# --- keyed elements, metrics, file upload and download -------------------------------------------

def keyed(scope: Locator | Page, key: str) -> Locator:
    """The element created with ``key=...`` (Streamlit gives its container the class st-key-<key>)."""
    return scope.locator(f".st-key-{key}")


def metric_value(scope: Locator | Page, label: str) -> Locator:
    """The value of the st.metric labelled exactly ``label``."""
    label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return (scope.get_by_test_id("stMetric")
            .filter(has=scope.get_by_test_id("stMetricLabel").filter(has_text=label_re))
            .get_by_test_id("stMetricValue"))


def upload_file(page: Page, label: str, file_name: str, content: bytes,
                mime: str = "application/octet-stream") -> Locator:
    """Choose a file in the st.file_uploader labelled ``label``, as its file dialog would, and wait
    for the upload's script run to end and the file to be listed; returns the uploader."""
    uploader = page.get_by_test_id("stFileUploader").filter(has=page.get_by_text(label, exact=True))
    expect(uploader).to_have_count(1, timeout=TIMEOUT_MS)
    settle(page)
    after_rerun(page, lambda: uploader.locator("input[type=file]").set_input_files(
        {"name": file_name, "mimeType": mime, "buffer": content}))
    expect(uploader.get_by_text(file_name, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    return uploader


def download(page: Page, button: Locator) -> tuple[str, bytes]:
    """Click a download button once the page has settled; returns (suggested file name, content)."""
    settle(page)
    expect(button).to_be_enabled(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    file = info.value
    with open(file.path(), "rb") as handle:
        return file.suggested_filename, handle.read()


def screenshot_page(page: Page, name: str) -> None:
    """A screenshot of the whole page in test-artifacts/: Streamlit scrolls its main area inside the
    window (Playwright's full_page then shows only the window), so the window is made as tall as the
    content for the shot and put back after."""
    from tests.browser.conftest import screenshot

    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...['stMain', 'stAppViewContainer', 'stSidebarContent'].map(id => {
        const element = document.querySelector(`[data-testid="${id}"]`);
        return element ? element.scrollHeight : 0;
    }))""")
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 10_000)})
        page.wait_for_timeout(500)  # the grids redraw their canvas for the new size
    try:
        screenshot(page, name)
    finally:
        if size and height > size["height"]:
            page.set_viewport_size(size)
            page.wait_for_timeout(300)


def grid_with_column(scope: Locator | Page, column: str) -> Locator:
    """The grid on screen that has a column headed ``column`` (for pages with several grids)."""
    header = re.compile(rf"^\s*{re.escape(column)}\s*$")
    return visible_grid(scope).filter(has=scope.locator("table[role=grid] thead th").filter(has_text=header))


# --- the board's drag-and-drop component (streamlit-sortables, in an iframe) ----------------------

def board_frame(page: Page):
    """The draggable board: a component iframe, reached with frame_locator."""
    return page.frame_locator("iframe[title*='sortable']").first


def board_column(page: Page, name: str) -> Locator:
    """A column of the draggable board by its class name (the header reads 「name · count」)."""
    header = re.compile(rf"^{re.escape(name)} · ")
    return board_frame(page).locator(".sortable-container").filter(
        has=board_frame(page).locator(".sortable-container-header").filter(has_text=header))


def drag_card(page: Page, card: str, to_column: str) -> None:
    """Press on the card, move the mouse to the target column in small steps (the sortable library
    only starts a drag after real pointer movement) and release it there."""
    settle(page)
    source = board_frame(page).locator(".sortable-item").filter(has_text=card)
    expect(source).to_have_count(1, timeout=TIMEOUT_MS)
    target = board_column(page, to_column).locator(".sortable-container-body")
    start, end = source.bounding_box(), target.bounding_box()  # page coordinates, the iframe included
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 60)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * step / 20, y0 + (y1 - y0) * step / 20)
        page.wait_for_timeout(25)
    page.mouse.up()
