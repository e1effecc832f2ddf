"""Attached documents: what may be uploaded, judged by the file's content, not its name.

A file is accepted when its first bytes say it is a PDF, an image (PNG, JPEG, GIF, WebP) or an
Office file (.xlsx/.docx/.pptx: a zip with the Office parts; .xls/.doc: the OLE container) and it is
within the size limit; an image must also declare sane dimensions (an "image bomb" declares
gigapixels in a few bytes). Everything else — a renamed .exe, a script, an archive — is refused
with a Chinese message. The file name is kept only for display and download; it never becomes a path.
"""
from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass

from domain.errors import UserFacingError

CATEGORIES = ["营业执照", "合同扫描件", "门头照片", "陈列照片", "身份证明", "其它"]
MAX_MB = int(os.environ.get("KEDANG_MAX_FILE_MB", "20"))
MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone photo, far less than a bomb
IMAGES = {"png", "jpeg", "gif", "webp"}
LABELS = {"pdf": "PDF", "png": "图片", "jpeg": "图片", "gif": "图片", "webp": "图片", "xlsx": "Excel", "xls": "Excel",
          "docx": "Word", "doc": "Word/Excel（旧版）", "pptx": "PowerPoint"}
MIME = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xls": "application/vnd.ms-excel", "doc": "application/msword"}
ALLOWED_TEXT = "PDF、图片（JPG/PNG/GIF/WebP）、Word、Excel、PowerPoint"


class DocumentError(UserFacingError):
    pass


@dataclass(frozen=True)
class Checked:
    name: str   # the cleaned display name
    kind: str   # pdf | png | jpeg | … (from the content)
    size: int


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def clean_name(name: str) -> str:
    """The display name; refuses names that try to be paths (../../x, C:\\x, /etc/x) or carry control characters."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise DocumentError("文件没有名称")
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name or ":" in name:
        raise DocumentError(f"文件名「{name[:60]}」不合法：不能包含路径（/、\\、..）或以点开头")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise DocumentError("文件名含有控制字符，请改名后再上传")
    if len(name) > 150:
        raise DocumentError("文件名过长（最多 150 个字符），请改名后再上传")
    return name


def sniff(data: bytes) -> str | None:
    """The kind of file ``data`` is, by its content; None when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # the OLE container of .doc/.xls/.ppt
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None  # a plain zip is not an Office file
    for prefix, kind in (("xl/", "xlsx"), ("word/", "docx"), ("ppt/", "pptx")):
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def image_size(data: bytes, shown: str) -> tuple[int, int]:
    """Width and height as the image declares them (Pillow reads the header only)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Image.DecompressionBombError:
        raise DocumentError(f"「{shown}」声明的图片尺寸过大（可能是恶意文件），已拒绝") from None
    except Exception:  # noqa: BLE001 - any unreadable image is refused the same way
        raise DocumentError(f"「{shown}」图片文件已损坏，无法读取") from None


def check_upload(name: str, data: bytes, max_mb: int = MAX_MB) -> Checked:
    """Raises DocumentError (Chinese, naming the file) unless the upload may be stored."""
    shown = clean_name(name)
    if not data:
        raise DocumentError(f"「{shown}」是空文件")
    if len(data) > max_mb * 1024 * 1024:
        raise DocumentError(f"「{shown}」有 {len(data) / 1024 / 1024:.1f} MB，超过每个文件 {max_mb} MB 的上限")
    kind = sniff(data)
    if kind is None:
        raise DocumentError(f"「{shown}」不是允许的文件类型（按文件内容判断，与扩展名无关）。允许：{ALLOWED_TEXT}")
    if kind in IMAGES:
        width, height = image_size(data, shown)
        if width * height > MAX_PIXELS or width > 30000 or height > 30000:
            raise DocumentError(f"「{shown}」声明的图片尺寸为 {width}×{height}，过大（可能是恶意文件），已拒绝")
    return Checked(shown, kind, len(data))
