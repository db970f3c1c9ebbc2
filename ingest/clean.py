"""Strip scrape boilerplate and repair paragraph breaks; everything else stays verbatim.

Generic rules for scraped pages, not per-file fixes:

* zero-width characters and wiki licence footers (``本作品是…`` … ``Public domain``/``false``);
* paragraph layout: text that separates paragraphs with blank lines treats a single
  newline as a soft break (wiki links split onto their own lines); line-per-paragraph
  text keeps its lines but re-attaches split link fragments (``》…``, a lone ``《``);
* collapsed paragraphs (separated only by runs of spaces, incl. full-width ``　　``);
* site banners, share/time/word-count lines, promo footers, bare counters;
* news photo captions (``…。新华社记者 X 摄``) and datelines (``新华社北京1月1日电``);
* title lines repeated at the top.
"""
from __future__ import annotations

import re

from rag.text.sentences import PARAGRAPH_END

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPLIT_AT_MARK = re.compile("\n[\u200b\u200c\u200d\u2060\ufeff]+\n")
_LICENCE_START = re.compile(r"^(本作品|这部作品|這部作品|此作品)")
_LICENCE_MARK = re.compile(r"公有领域|公有領域|Public domain")
_WIKI_NOTE = re.compile(r"^注：中文维基文库社群认为")
_WIKI_TAIL = {"Public domain", "false"}
_INNER_GAP = re.compile(r"(?<=\S)[ \t\u3000\u2002\u2003\u00a0]{2,}(?=\S)")
_OPENERS = "《“「『（([【"
# A line starting with one of these continues the line before it (a wiki link split onto its own line).
_CLOSERS = "》”」』）)]】、，,." + PARAGRAPH_END

_BANNER = re.compile(r"记住我|收藏本站|设为首页|加入收藏夹|(文库|网|站)\s*[◆|｜]")
_META_MARKS = [re.compile(p) for p in (
    r"分享", r"时间\s*[:：]", r"加入收藏", r"共计\s*\d+\s*个?字", r"预计阅读时长", r"阅读(量|次数)\s*[:：]?\s*\d",
    r"浏览(量|次数)?\s*[:：]\s*\d", r"点击(量|数)?\s*[:：]\s*\d", r"^admin\b", r"发布(时间|日期)\s*[:：]",
    r"作者\s*[:：]", r"字数\s*[:：]")]
_STRONG_META = re.compile(r"共计\s*\d+\s*个?字|预计阅读时长")
_PROMO = re.compile(r"^(领取福利|微信扫码|扫码|微信扫一扫|关注公众号|点击下载|下载全文|免费下载|分享到|返回顶部"
                    r"|上一篇|下一篇|相关推荐|猜你喜欢|热门文章|推荐阅读|版权声明)")
_NO_WORDS = re.compile(r"^[\W\d_]*$")
_DATE_START = (r"(?<!（)(?:当地时间)?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:至\d{1,2}日)?"
               r"(?:上午|下午|中午|晚上|晚间|晚|早上|凌晨)?，|新年前夕，")
_CREDIT = re.compile(r"(?<=[。！])\s*新华社(?:记者\s*[\u4e00-\u9fff·]{2,6}(?:\s*[、，]\s*[\u4e00-\u9fff·]{2,6})*"
                     r"\s*/?\s*摄|发(?:（[\u4e00-\u9fff·]{2,6}\s*/?\s*摄）)?)")
_DATELINE = re.compile(r"^新华社[\u4e00-\u9fff·]{1,12}?\d{1,2}月\d{1,2}日电\s*")
# A headline's byline "（2023年1月1日，北京）…习近平" glued to the speech's salutation.
_BYLINE_END = re.compile(r"(?:[（(]\d{4}年\d{1,2}月\d{1,2}日[^）)]{0,20}[）)][^。！？，,、；;：:]{0,30}?"
                         r"|^[^。！？，,]{0,20}主席[\s\u3000]+[\u4e00-\u9fff]{2,3}?)"
                         r"(?=尊敬的|同志们|女士们|各位|朋友们|同胞们|全国同胞|总统先生|行政长官)")
MAX_CAPTION = 300
HEAD_LINES = 8


def clean_text(text: str) -> str:
    """Return cleaned text with exactly one paragraph per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Wikisource splits some words around a zero-width mark on a line of its own
    # ("74.4\n\u200b\n万亿元"): rejoin them, or the paragraph breaks mid-number.
    text = _ZERO_WIDTH.sub("", _SPLIT_AT_MARK.sub("", text))
    lines = strip_licence_footer(text.split("\n"))
    # Chrome lines go before grouping so they cannot glue onto their neighbours.
    lines = ["" if is_chrome(ln.strip()) else ln for ln in lines]
    paragraphs = paragraphs_from_lines(lines)
    out: list[str] = []
    for para in paragraphs:
        for piece in _INNER_GAP.split(para):
            for part in split_captions(piece):
                part = _DATELINE.sub("", part).strip()
                out.extend(p for p in split_byline(part) if p and not is_boilerplate(p))
    return "\n".join(drop_repeated_head(out))


def strip_licence_footer(lines: list[str]) -> list[str]:
    """Cut a wiki licence footer (from its opening line to the end) and its tail markers."""
    stripped = [ln.strip() for ln in lines]
    for i, line in enumerate(stripped):
        if (_LICENCE_START.match(line) or _WIKI_NOTE.match(line)) and \
                _LICENCE_MARK.search("\n".join(stripped[i:])):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or lines[-1].strip() in _WIKI_TAIL):
        lines = lines[:-1]
    return lines


def paragraphs_from_lines(lines: list[str]) -> list[str]:
    """Group lines into paragraphs according to the text's own layout."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    n_lines = sum(len(b) for b in blocks)
    if len(blocks) >= 2 and len(blocks) >= 0.25 * n_lines:
        # Blank lines separate paragraphs; single newlines are soft (wiki link splits).
        return [join_fragments(b) for b in blocks]
    return reattach_fragments([ln for b in blocks for ln in b])


def join_fragments(parts: list[str]) -> str:
    """Join soft-broken pieces: no space between CJK text, one space between Latin words."""
    out = parts[0]
    for part in parts[1:]:
        if out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " " + part
        else:
            out += part
    return out


def reattach_fragments(lines: list[str]) -> list[str]:
    """In line-per-paragraph text, glue split link pieces back onto their sentence."""
    out: list[str] = []
    pending = ""
    for line in lines:
        if pending:
            line, pending = pending + line, ""
        if all(ch in _OPENERS for ch in line):
            pending = line
        elif out and (line[0] in _CLOSERS or out[-1][-1] in _OPENERS):
            out[-1] += line
        else:
            out.append(line)
    if pending:
        out.append(pending)
    return out


def split_captions(text: str) -> list[str]:
    """Remove news photo captions (text ending in a ``新华社记者 X 摄`` credit).

    The caption runs from its date opener (``9月1日上午，…``) to the credit; text
    before it (a headline) and after it (a salutation) become separate paragraphs.
    Without a date opener only a short leading caption is removed.
    """
    pieces: list[str] = []
    while (m := _CREDIT.search(text)):
        head = text[:m.start()]
        starts = list(re.finditer(_DATE_START, head))
        if starts and m.start() - starts[-1].start() <= MAX_CAPTION:
            cut = starts[-1].start()
        elif len(head) <= MAX_CAPTION:
            cut = 0
        else:
            cut = m.start()
        pieces.append(head[:cut])
        text = text[m.end():]
    pieces.append(text)
    return [p.strip() for p in pieces if p.strip()]


def split_byline(text: str) -> list[str]:
    """Split a headline ending in a dated byline from the salutation glued after it."""
    m = _BYLINE_END.search(text)
    if not m:
        return [text]
    return [text[:m.end()].strip(), text[m.end():].strip()]


def is_boilerplate(line: str) -> bool:
    """Scrape chrome or a bare counter/marker: never document text."""
    return bool(_NO_WORDS.match(line)) or is_chrome(line)


def is_chrome(line: str) -> bool:
    """Site banners, share/time/word-count lines and promo footers."""
    short = len(line) <= 120 and "。" not in line
    if not short:
        return False
    if _BANNER.search(line) or _PROMO.match(line) or _STRONG_META.search(line):
        return True
    return sum(1 for p in _META_MARKS if p.search(line)) >= 2


def drop_repeated_head(paragraphs: list[str]) -> list[str]:
    """Drop a title line repeated near the top (scraped pages print the headline twice)."""
    seen: set[str] = set()
    out = []
    for i, para in enumerate(paragraphs):
        if i < HEAD_LINES and para in seen and len(para) <= 80:
            continue
        seen.add(para)
        out.append(para)
    return out
