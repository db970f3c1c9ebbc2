"""Tests for ingest/clean.py: generic scrape-boilerplate rules on synthetic and real pages."""
from __future__ import annotations

import re

import pytest

from ingest.clean import clean_text, is_boilerplate, split_byline, split_captions, strip_licence_footer
from ingest.loaders import load_text

WIKI_DIRS = ("national_gwr", "npc_resolutions", "cpc_congress")
FOOTER = re.compile(r"本作品|这部作品|公有领域|公有領域|Public domain|中文维基文库|版权失效模板|^false$")


def lines(text: str) -> list[str]:
    return clean_text(text).split("\n")


def test_scraped_page_chrome_is_removed_but_body_kept_verbatim():
    page = ("好文章都在这里 — — 范文网◆记住我,常来看看~\n\n"
            "市长在全市经济工作会议上的讲话\n\n"
            "editor 分享 时间: 加入收藏 共计8000个字,预计阅读时长27分钟\n\n"
            "市长在全市经济工作会议上的讲话\n\n"
            "同志们:\n\n"
            "去年全市GDP完成1200亿元,增长6.1%。\n\n"
            "987654\n领取福利\n\n微信扫码领取福利\n\n微信扫码分享\n")
    assert lines(page) == ["市长在全市经济工作会议上的讲话", "同志们:", "去年全市GDP完成1200亿元,增长6.1%。"]


@pytest.mark.parametrize("line", [
    "文似观山不喜平 — — 观山文库◆记住我,来上我~",
    "admin 分享 时间: 加入收藏 共计20050个字,预计阅读时长67分钟",
    "作者：张三 发布时间：2024-01-02 阅读量：1024",
    "微信扫码领取福利", "领取福利", "221381", "↑", "]",
])
def test_boilerplate_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "来源：河南日报",
    "一、充分肯定成绩,以生动实践坚定发展信心决心",
    "（三）共享发展成果",
    "各位代表：",
    "2021年完成地区生产总值接近700亿元(含高新)。",
])
def test_document_lines_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_wiki_footer_and_zero_width_chars_are_removed():
    text = ("\u200b各位代表：\n\n现在，我代表国务院，向大会报告政府工作。\n\n\n\n"
            "本作品是中华人民共和国的\n法律\n、\n法规\n，国家机关的决议。根据《\n中华人民共和国著作权法\n》第五条第一项，"
            "属于\n公有领域\n。\n注：中文维基文库社群认为，中华人民共和国公务演讲，\n不总是\n具有立法性质。\n"
            "Public domain\nPublic domain\nfalse\nfalse\n")
    assert lines(text) == ["各位代表：", "现在，我代表国务院，向大会报告政府工作。"]


def test_licence_words_in_the_body_are_kept_when_no_footer_follows():
    body = ["本作品集收录了历年讲话。", "", "下一段。"]
    assert strip_licence_footer(body) == body


def test_split_wiki_links_are_rejoined_in_blank_line_text():
    text = ("《\n纲要（草案）\n》的编制过程，是发扬民主的过程。\n\n"
            "本作品是中华人民共和国的\n法律\n、\n法规\n的一部分吗？这是正文。\n\n第三段。\n")
    assert lines(text) == ["《纲要（草案）》的编制过程，是发扬民主的过程。",
                           "本作品是中华人民共和国的法律、法规的一部分吗？这是正文。", "第三段。"]


def test_line_per_paragraph_text_keeps_lines_but_reattaches_link_pieces():
    text = "标题\n来源：某日报\n学习《\n决定\n》精神，抓好落实。\n第二段。\n第三段。\n第四段。"
    assert lines(text) == ["标题", "来源：某日报", "学习《决定》精神，抓好落实。", "第二段。", "第三段。", "第四段。"]


def test_collapsed_paragraphs_are_split_on_space_runs():
    text = "\u3000\u3000第一段。\u3000\u3000第二段，含一个\u3000全角空格。\u2003\u2003第三段。  第四段。"
    assert lines(text) == ["第一段。", "第二段，含一个\u3000全角空格。", "第三段。", "第四段。"]


def test_photo_captions_and_datelines_are_dropped():
    text = ("\u3000\u3000新华社天津9月1日电\u3000牢记初心使命——在上合组织会议上的讲话（2025年9月1日，天津）"
            "中华人民共和国主席\u3000习近平\u3000\u30009月1日上午，会议在天津举行。习近平主持会议并发表重要讲话。"
            "新华社记者 谢环驰 摄尊敬的各位同事：\u3000\u3000大家好！\u3000\u3000"
            "2023年6月2日，习近平出席座谈会。 新华社记者 鞠鹏/摄\u3000\u3000新华社发表评论指出，合作是大势所趋。")
    assert lines(text) == [
        "牢记初心使命——在上合组织会议上的讲话（2025年9月1日，天津）中华人民共和国主席\u3000习近平",
        "尊敬的各位同事：", "大家好！", "新华社发表评论指出，合作是大势所趋。"]


def test_caption_without_date_opener_is_only_removed_when_short():
    long_head = "正文" * 200 + "。"
    assert split_captions(long_head + "新华社记者 张三 摄") == [long_head]
    assert split_captions("会见外宾。新华社发尊敬的总统先生：") == ["尊敬的总统先生："]


@pytest.mark.parametrize("text,parts", [
    ("在全国政协新年茶话会上的讲话（2023年12月29日）习近平同志们，朋友们：",
     ["在全国政协新年茶话会上的讲话（2023年12月29日）习近平", "同志们，朋友们："]),
    ("共建美好世界——在峰会上的讲话（2024年11月18日，里约热内卢）中华人民共和国主席\u3000习近平尊敬的卢拉总统：",
     ["共建美好世界——在峰会上的讲话（2024年11月18日，里约热内卢）中华人民共和国主席\u3000习近平", "尊敬的卢拉总统："]),
    ("中华人民共和国主席\u3000习近平女士们，先生们：", ["中华人民共和国主席\u3000习近平", "女士们，先生们："]),
    ("今天（2024年1月1日）大家都来了，各位同事好。", ["今天（2024年1月1日）大家都来了，各位同事好。"]),
    ("（2022年10月16日）", ["（2022年10月16日）"]),
])
def test_byline_is_split_from_the_salutation(text, parts):
    assert split_byline(text) == parts


def test_district_speech_has_no_chrome_left(corpus_dir):
    raw = load_text(corpus_dir / "district_speeches" / "district_party_secretary_econ_work_2022.txt")
    cleaned = clean_text(raw).split("\n")
    title = "区委书记在区委全会暨区委经济工作会议上的讲话"
    assert cleaned[0] == title and cleaned.count(title) == 1
    text = "\n".join(cleaned)
    for chrome in ("观山文库", "记住我", "admin", "加入收藏", "预计阅读时长", "领取福利", "微信扫码", "221381"):
        assert chrome not in text
    assert cleaned[-1].startswith("习近平总书记指出,创新是引领发展的第一动力。")


def test_wiki_docs_lose_footers_and_split_links(corpus_dir):
    for d in WIKI_DIRS:
        for path in sorted((corpus_dir / d).glob("*.txt")):
            cleaned = clean_text(load_text(path)).split("\n")
            assert not [ln for ln in cleaned if FOOTER.search(ln)], path.name
            assert not [ln for ln in cleaned if ln[0] in "》、，。”"], path.name
            assert "》" not in cleaned and "《" not in cleaned, path.name


def test_wiki_split_link_example_from_corpus(corpus_dir):
    cleaned = clean_text(load_text(corpus_dir / "national_gwr" / "cn_gwr_2006.txt"))
    assert "《纲要（草案）》的编制过程，是发扬民主、集思广益、科学决策的过程。" in cleaned
    assert "《纲要（草案）》力求反映社会主义市场经济发展" in cleaned


def test_xi_speeches_lose_captions_and_datelines(corpus_dir):
    for path in sorted((corpus_dir / "xi_speeches").glob("*.txt")):
        cleaned = clean_text(load_text(path)).split("\n")
        assert len(cleaned) > 1, path.name
        assert not [ln for ln in cleaned if re.search(r"新华社记者\s*\S+\s*/?摄|^新华社\S{1,12}电", ln)], path.name


def test_a_word_split_around_a_zero_width_line_is_rejoined():
    # cn_gwr_2017: "国内生产总值达到74.4\n\u200b\n万亿元，增长6.7%" is one sentence in the report.
    text = "——经济运行稳中向好。国内生产总值达到74.4\n\u200b\n万亿元，增长6.7%。\n\n下一段。"
    assert clean_text(text).split("\n") == ["——经济运行稳中向好。国内生产总值达到74.4万亿元，增长6.7%。", "下一段。"]
