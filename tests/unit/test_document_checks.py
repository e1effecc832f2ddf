"""Uploads are judged by content: crafted bad files are refused with a Chinese message naming the file."""
import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from domain.documents import DocumentError, check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(width=4, height=3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header declares 10 gigapixels (an image bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
            + chunk(b"IEND", b""))


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.bat", "del *")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, kind", [
    ("营业执照.pdf", PDF, "pdf"),
    ("门头.png", png(), "png"),
    ("门头.jpg", png(), "png"),  # the content decides, not the extension
    ("报价.xlsx", office("xl/workbook.xml"), "xlsx"),
    ("合同.docx", office("word/document.xml"), "docx"),
    ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "doc"),
])
def test_accepted_files(name, data, kind):
    checked = check_upload(name, data)
    assert (checked.name, checked.kind, checked.size) == (name, kind, len(data))


@pytest.mark.parametrize("name, data, message", [
    ("合同.pdf", b"MZ\x90\x00" + b"\x00" * 200, "「合同.pdf」不是允许的文件类型"),           # a renamed .exe
    ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "不是允许的文件类型"),             # a renamed Linux binary
    ("说明.docx", plain_zip(), "不是允许的文件类型"),                                          # a zip posing as Word
    ("脚本.pdf", b"#!/bin/sh\nrm -rf /\n", "不是允许的文件类型"),
    ("bomb.png", png_bomb(), "过大（可能是恶意文件）"),                                       # declared 10 gigapixels
    ("big.png", png_bomb(7000, 7000), "7000×7000，过大"),                                    # 49 megapixels
    ("../../x.pdf", PDF, "不合法"),                                                            # path traversal
    ("..\\..\\x.pdf", PDF, "不合法"),
    ("/etc/passwd", PDF, "不合法"),
    (".bashrc", PDF, "不合法"),
    ("空.pdf", b"", "是空文件"),
    ("坏图.png", b"\x89PNG\r\n\x1a\n" + b"garbage", "图片文件已损坏"),
])
def test_refused_files(name, data, message):
    with pytest.raises(DocumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_upload(name, data)


def test_the_size_limit():
    with pytest.raises(DocumentError, match="超过每个文件 1 MB 的上限"):
        check_upload("大.pdf", PDF + b"0" * (1024 * 1024), max_mb=1)
