"""文件 in a real browser: a rep uploads a PDF and a shop-front photo to an archive and previews both;
a renamed executable is refused with a Chinese message and nothing is added."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from db.engine import session_scope
from db.models import User
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.ui import login, screenshot_page, settle

PDF = b"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 44>>stream
BT /F1 24 Tf 40 100 Td (Licence 2026) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Size 6/Root 1 0 R>>
%%EOF
"""


def shop_front() -> bytes:
    image = Image.new("RGB", (640, 400), (200, 30, 30))
    ImageDraw.Draw(image).rectangle((40, 40, 600, 360), outline="white", width=8)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(page, name: str, data: bytes, mime: str) -> None:
    settle(page)
    if not page.get_by_role("button", name="上传", exact=True).is_visible():  # the expander stays open after a save
        page.get_by_text("上传文件", exact=True).click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])
    expect(page.get_by_text(name).first).to_be_visible(timeout=TIMEOUT_MS)  # listed in the uploader
    page.get_by_role("button", name="上传", exact=True).click()


def test_upload_and_preview_a_pdf_and_a_photo(new_page, app_server):
    with session_scope(app_server.db_url) as s:
        rep = s.get(User, app_server.ids["rep1"])
        customer = factories.make_customer(s, rep, name="有附件的客户商行")
    page = new_page()
    login(page, app_server, "rep1", "张业务")
    page.goto(app_server.page_url(f"archive?id={customer.id}"))
    expect(page.get_by_role("tab", name="文件")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_role("tab", name="文件").click()
    settle(page)

    upload(page, "营业执照.pdf", PDF, "application/pdf")
    expect(page.get_by_text("已上传「营业执照.pdf」")).to_be_visible(timeout=TIMEOUT_MS)
    upload(page, "门头照片.png", shop_front(), "image/png")
    expect(page.get_by_text("已上传「门头照片.png」")).to_be_visible(timeout=TIMEOUT_MS)
    upload(page, "合同.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf")  # a renamed executable
    expect(page.get_by_text("「合同.pdf」不是允许的文件类型", exact=False)).to_be_visible(timeout=TIMEOUT_MS)

    settle(page)
    toggles = page.get_by_test_id("stCheckbox").filter(has_text="预览 / 下载")
    expect(toggles).to_have_count(2)  # the refused file added nothing
    toggles.nth(0).click()
    settle(page)
    page.get_by_test_id("stCheckbox").filter(has_text="预览 / 下载").nth(1).click()
    settle(page)
    expect(page.get_by_test_id("stImage").locator("img")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stBidiComponentIsolated").first).to_be_visible(timeout=TIMEOUT_MS)  # st.pdf
    expect(page.get_by_role("button", name="下载")).to_have_count(2)
    screenshot_page(page, "documents_preview")
