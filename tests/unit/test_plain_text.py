"""User text shown through Streamlit's Markdown reads exactly as typed: no link, image, heading,
emphasis, colour or icon can be made by typing a name or a note."""
import html
import re

import pytest
from markdown_it import MarkdownIt  # CommonMark, as Streamlit's renderer reads it (installed with streamlit's rich)

from domain.formatting import plain

TYPED = [
    "![](http://evil.example/beacon.png)鸿福超市",
    "[点我](javascript:alert(1))福满楼",
    "<img src=x onerror=alert(1)>宏图商行",
    "# 不是标题",
    "1. 不是列表",
    "- 不是列表 + 也不是",
    "*不粗* _不斜_ ~~不删~~ `不是代码` $x^2$",
    "表格 | 竖线 \\ 反斜杠",
    "A&amp;B 与 &lt;",
    ":red[不是红色] :material/home: 图标",
    "第一行\n第二行",
    "见 http://example.com/a 和 www.example.com，邮件 sales@example.com",  # no link, not even a bare URL
]


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML without tags, entities decoded."""
    rendered = MarkdownIt("commonmark").enable("strikethrough").enable("table").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("text", TYPED)
def test_user_text_renders_as_typed(text):
    shown = plain(text)
    assert "<a" not in MarkdownIt("commonmark").render(shown) and "<img" not in MarkdownIt("commonmark").render(shown)
    assert rendered_text(shown).replace("\u2060", "") == text


def test_nothing_and_numbers():
    assert plain(None) == ""
    assert plain(12.5) == "12\\.5"
