"""公文 element parser (要素识别): finds 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 标题, 文种,
主送机关, 正文 and its heading levels, 附件说明, 署名, 成文日期, 附注, 附件, 抄送, 印发 and 页码, and the
format of the document (GB/T 9704-2012 chapter 10: 文件格式, 信函格式, 命令（令）格式, 纪要格式).

Elements are found by what they are — patterns, their place relative to each other, and fonts, sizes,
colours and alignment where the format has them — not by a fixed order: a text copied from a web page
puts the 标题 before the 发文字号, a title may break over two or three lines (GB/T 9704-2012 7.3.1 回行),
a joint document (联合行文) carries several issuers in its mark and its signature.

The parser matches on normalised text (extractors/normalise.py: Kangxi radicals, compatibility
ideographs and full-width digits mapped one for one) and keeps what the document says: `Found.text` is
the normalised text, `Found.original` the text as written, which evidence quotes.
Patterns are deliberately tolerant ("[2026]", "第5号", "2026年07月01日"): the parser finds an
element even when it is written wrong, so that the rules can say what is wrong with it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Optional

from . import nlp
from .image_marks import read_image_mark
from .layout import PAGE_NUMBER, STRICT_PAGE_NUMBER, Document, Line, is_red
from .normalise import blank_lost_marks, has_glosses, has_lost_marks, is_traditional, normalise, strip_glosses, to_simplified
from .placeholders import INSTRUCTION as PLACEHOLDER  # noqa: F401  (its old name here)
from .placeholders import blank_placeholders, is_style_name, only_punctuation, placeholder_spans
from .secrecy import CLASSIFIED as _MARK_CLASSIFIED
from .secrecy import (  # noqa: F401  (the 密级 reading, extractors/secrecy.py; these names are read from here too)
    LEVELS,
    SECRECY,
    SECRECY_LABEL,
    SECRECY_LINE,
    SECRECY_TERM,
    STARS,
    UNCLASSIFIED_LABEL,
    UNCLASSIFIED_WORDS,
    read_mark,
    read_secrecy,
    secrecy_text,
)

DOC_TYPES = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要")
# Names often used for a document that are not one of the 15 legal 文种 of 条例 第八条.
NON_LEGAL_TYPES = ("汇报", "报告书", "请求", "申请", "总结", "要点", "规划", "方案", "简报", "讲话", "建议", "答复", "说明", "计划")
UPWARD_TYPES = ("请示", "报告")
FORMATS = ("standard", "letter", "order", "minutes")  # GB/T 9704-2012 chapter 7 and 10.1, 10.2, 10.3

URGENCY = re.compile(r"^(特急|加急|特提|平急|急件|急)$")
URGENCY_LABELLED = re.compile(r"^紧急程度[:：]?(特急|加急|特提|平急|急件|急)$")
COPY_NUMBER = re.compile(r"^[0-9]{1,8}$")
DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fffA-Za-z]{1,15})\s*(?P<lb>[〔\[【(（〈［〖])\s*(?P<year>[0-9]{2,4})\s*"
    r"(?P<rb>[〕\]】)）〉］〗])\s*(?P<di>第)?\s*(?P<num>[0-9]+)\s*号")
# the 发文字号 of before GB/T 9704-1999: the year in parentheses before the 机关代字, "（78）交公路字412号"
OLD_DOC_NUMBER = re.compile(r"(?P<lb>[（(])\s*(?P<year>[0-9]{2}|[0-9]{4})\s*(?P<rb>[）)])\s*(?P<prefix>[\u4e00-\u9fff]{1,15}?)"
                            r"\s*(?P<di>第)?\s*(?P<num>[0-9]+)\s*号")
# 命令（令）格式 10.2: "第12号", "（九届第37号）"; a mark and its number on one line: "广州市人民政府令第5号"
ORDER_NUMBER = re.compile(r"^[（(]?\s*(?:[\u4e00-\u9fff]{1,4}届\s*)?第\s*(?P<num>[0-9]+|[一二三四五六七八九十百〇零]+|(?=\s*号))\s*号\s*[）)]?$")
ORDER_MARK_NUMBER = re.compile(r"^(?P<mark>[\u4e00-\u9fff]{2,30}?(?:命令|令))\s*(?P<number>第\s*[0-9]+\s*号)$")
# a web page's or a mail's lines around a document: navigation, metadata, mail headers (never part of the 公文)
PREAMBLE = re.compile(r"^[-–•·*\s]*(?:当前位置|您的位置|你的位置|首页\s*[>＞]|来源\s*[:：]|信息来源|发布日期|发布时间|发布机构|浏览|访问次数|点击|字号|"
                      r"视力保护|归档时间|索\s*引\s*号|主题分类|有\s*效\s*性|成文日期\s*[|｜:：\d]|文\s*号\s+|打印|关闭|分享|字体\s*[:：]|【(?!\s*(?:" + "|".join(level[0] for level in LEVELS) + r")\s*密)|发件人|收件人|发送时间|日\s*期\s*[:：]\s*\d{4}\s*[-年/.]|主\s*题\s*[:：]|"
                      r"From\s*:|To\s*:|Sent\s*:|Date\s*:|Subject\s*:|"
                      # a 政府信息公开 table's labels, one row a line ("发文机关：\t国务院办公厅\t成文日期：\t…")
                      r"发文机关\s*[:：]|标\s*题\s*[:：]|发\s*文\s*字\s*号\s*[:：]|主\s*题\s*词|信息分类|生成日期|组配分类|"
                      r"发文日期\s*[:：]|废止时间|生效时间|名\s*称\s*[:：]|关\s*键\s*词\s*[:：]|内容概述|公开方式|公开范围|"
                      # a news or law site's article lines ("时间:2024-05-17 17:46 来源: … 阅读:8471", "下载地址:")
                      r"时\s*间\s*[:：]\s*\d{4}|作\s*者\s*[:：]|阅读\s*[:：]?\s*\d|下载地址|责任编辑|编辑\s*[:：]|(?:朗读|收藏|纠错)\s*$|"
                      # a label with a qualifier in front ("文件标题：", "发布文号：", "文献题名：")
                      r"[\u4e00-\u9fff]{1,4}(?:标\s*题|题\s*名|文\s*号|字\s*号)\s*[:：])|[|｜丨]")
FORWARDED = re.compile(r"^[-—=_*\s]*(?:转发的邮件|原始邮件|Forwarded message|Original Message)[-—=_*\s]*$", re.I)
# labelled fields of a 政府信息公开 table: "发文字号 | 金政发〔2025〕33号 |", "标 题 | …的通知 |"
# labelled fields of a 政府信息公开 table: "发文字号 | 金政发〔2025〕33号 |", "标 题 | …的通知 |", "名  称: …  发布日期: …"
# (a value ends at a separator, at the next label on the same line, or at the line's end)
META_FIELD = re.compile(r"(?P<label>标\s*题|题\s*名|名\s*称|发\s*文\s*字\s*号|文\s*号|发文单位|发文机关|发布机关|发布机构)(?:\s*[|｜:：\t])+\s*"
                        r"(?P<value>[^|｜\t]+?)\s*(?=[|｜\t]|\s+[\u4e00-\u9fff][\u4e00-\u9fff ]{1,8}\s*[:：]|$)")
# a label alone on its line, its value on the next ("发文字号" / "国函〔2008〕2号"): both are the page's, not the 公文's
LABEL_ONLY = re.compile(r"^(?P<label>标\s*题|[\u4e00-\u9fff]{0,2}题\s*名|名\s*称|发\s*文\s*字\s*号|文\s*号|发文单位|发文机关|发布机关|发布机构|"
                        r"成文日期|发布日期|索\s*引\s*号|主题分类|发文日期|生效日期|有\s*效\s*性|主\s*题|作者单位|文献类型|母体文献|"
                        r"年卷期|年\s*份|分类号|关\s*键\s*词|文摘内容|编\s*号|来\s*源|作\s*者|发布时间|时\s*限|截\s*止|征集状态)\s*[:：]?$")
# a site's clutter around a document: skip links, accessibility and script switches, clocks, a site's name, a law
# database's status lines ("时效性：现行有效", "效力级别"), a page's section heading ("第一篇：…")
CLUTTER = re.compile(r"^(?:跳转到(?:主要)?内容|无障碍(?:浏览|阅读|通道)?|简体(?:中文|版)?|繁[體体](?:中文|版)?|长者模式|关怀版|网站地图|"
                     r"[\u4e00-\u9fff]{0,20}(?:门户网站|政府网站|人民政府网|政府网|网站)|时效性.*|(?:第[一二三四五六七八九十百零〇\d]+[条章节]\s*){2,}|效力级别.*|法规类别.*|发布部门\s*[:：].*|"
                     r"实施日期\s*[:：].*|公布日期\s*[:：].*|\d{4}年\d{1,2}月\d{1,2}日\s*星期[一二三四五六日天].*|.{0,12}星期[一二三四五六日天]\s*\d{1,2}[:：]\d{2}.*|"
                     r".{0,8}?\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?\s*\d{1,2}:\d{2}(?::\d{2})?.{0,8})$")
# a browser's page title: the document's title and the site's name ("…的通知——示例市人民政府网", "… - 某某网站")
PAGE_TITLE = re.compile(r"^(?P<title>.+?)\s*(?:——|—|--|－|_|\s-\s|\|)\s*[\u4e00-\u9fff]{2,20}(?:网|网站|门户)$")
SECTION_HEADING = re.compile(r"^第[一二三四五六七八九十百\d]+[篇章部分]\s*[:：]\s*(?P<rest>.+)$")
# a site's breadcrumb ("您当前的位置：首页 > 政务公开 > 文件", "1500字范文 > 「通告」…的通告", "首页 >> 公开信息内容"): its
# last part may name the document (kept as the page's heading, never as the title's first line)
CRUMB_LABEL = re.compile(r"^[-–•·*\s]*(?:[您你]?的?当前(?:所在)?的?位置|所在位置|当前栏目|位置)\s*[:：]?")
CRUMB = re.compile(r"^(?:[^>＞»›]{1,30}?\s*(?:>>?|＞＞?|»|›)\s*)+(?P<last>[^>＞»›]*)$")
# a line of a site's links and switches, parts apart by blanks or bars: "中国政府网 湖北政府网 … 繁体中文",
# "无障碍 简体| 繁体", "收藏本站| 设为首页| 首页", "热门站点| 世界资料网 | 专利资料网"
SITE_WORD = re.compile(r"^(?:[\u4e00-\u9fffA-Za-z]{0,12}(?:网|网站|门户|论坛|站点|客户端|APP|App|app|公众号|微博|微信)|简体(?:中文|版)?|"
                       r"繁[體体](?:中文|版)?|English|无障碍|长者模式|关怀版|登录|注册|首页|网站地图|搜索|收藏本站|设为首页|"
                       r"打印(?:本页)?|关闭(?:窗口)?|分享(?:到)?|返回(?:顶部)?|回到顶部|举报|提交|购物车|下载|安卓版APP|苹果版APP|"
                       r"[大中小]|\d{1,4}|-)$")
# a page's clock or source line: "今天是:2025年12月06日", "天津市静海区人民政府 2019年12月3日星期二", "2024-07-17 来源:步旅网"
CLOCK = re.compile(r"^(?:今天是\s*[:：]?\s*\d{4}|.{0,30}?\d{4}年\d{1,2}月\d{1,2}日\s*(?:星期|周)[一二三四五六日天])|"
                   r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+(?:来源|作者|浏览|发布|点击|阅读|编辑)")
# a gazette's or a site's section named by a kind of body and no place ("省政府文件", "市政府令"): a 版头 names its organ
BARE_SECTION = re.compile(r"^(?:省|市|县|区|州|盟|旗|镇|乡)(?:人民)?(?:政府|委|人大|政协|委员会)?(?:办公厅|办公室)?(?:文件|公告|通知|令)$")
# a site's heading over one of several texts ("修建排水沟请示范文 篇1", "安徽省政府会议纪要一", "…会议纪要三篇"):
# a kind of document numbered as one of a series, never a 标题 (a title does not end in a number)
SERIES_HEADING = re.compile(r"^.{0,30}?(?:范文|范例|例文|模板|样本)\s*(?:篇\s*)?[0-9一二三四五六七八九十]*$|"
                            r"^.{2,30}?(?:决议|决定|命令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|纪要)"
                            r"(?:[一二三四五六七八九十]{1,2}篇?|[0-9]{1,2})$")
MENU_LOOKAHEAD = 40  # a menu's word is a page's line when a title or a 发文字号 comes within this many lines
HEAD_LINES = 30  # the 版头, 标题 and 主送 are looked for in this many lines, not counting a page's lines before them
CHROME_LINES_MAX = 120  # … of which at most this many are skipped
STYLE_NAMES_MIN = 3  # this many lines that are only a style's name make them a reference document's placeholders
# a date glued to the 署名 on one line ("示例市人民政府2023年7月12日"), as a database or a scraper leaves it
SIGNED_DATE = re.compile(r"^(?P<organ>[\u4e00-\u9fff（）()]{2,40}?)\s*(?P<date>(?:[0-9]{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,3}月.{1,3}日)$")
# 纪要 期号: "第3期", "（第3期）", "〔2026〕第5次", "2026年第5次"
PERIOD = re.compile(r"^[（(〔\[【]?\s*(?:[0-9]{4}\s*[〕\]】)]?\s*年?)?\s*第\s*(?P<num>[0-9]+|[一二三四五六七八九十百]+)\s*[期次]\s*[）)]?$")
SIGNER = re.compile(r"签发人\s*(?P<colon>[:：])?\s*(?P<names>[\u4e00-\u9fff·\s]+)?")
SIGNER_NAMES = re.compile(r"[\u4e00-\u9fff·]{2,4}(?:[ \u3000]+[\u4e00-\u9fff·]{2,4})*")  # "李四　王五": signers' names
ZERO = "〇○零ＯOoΟ0◯"
CN_DIGIT = f"[{ZERO}一二三四五六七八九]"
DATE_CORE = (rf"(?P<y>[0-9]{{2,4}}|{CN_DIGIT}{{2,4}})\s*年\s*(?P<m>[0-9]{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月"
             rf"\s*(?P<d>[0-9]{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[日号]")
DATE = re.compile(rf"^\s*{DATE_CORE}\s*$")
# a 成文日期 glued to the end of the last paragraph after its full stop and a blank: "…更大贡献。 二○○五年二月七日"
GLUED_DATE = re.compile(rf"[。！]\s+(?P<date>{DATE_CORE.replace('(?P<y>', '(?:').replace('(?P<m>', '(?:').replace('(?P<d>', '(?:')})\s*$")
# the 署名 at the end of a long line, after a blank (a flattened text set back to lines): "…0574-58587336 慈溪掌起镇人民政府"
SIGNATURE_TAIL = re.compile(r"\s(?P<organ>[\u4e00-\u9fff（）()]{2,40})$")
# a 成文日期 whose 年/月/日 a page lost, alone on the line under the 署名: "20231213", "2023 12 13"
BARE_DIGIT_DATE = re.compile(r"^\s*(?P<y>(?:19|20)\d{2})(?:(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
                             r"|\s+(?P<m2>0?[1-9]|1[0-2])\s+(?P<d2>0?[1-9]|[12]\d|3[01]))\s*$")
# a region's name before a city's or a prefecture's organ on a law site's organ line: "吉林省白山市人民政府"
REGION_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区)(?=[\u4e00-\u9fff]{2,12}?(?:市|州|盟|地区|县))")
# 题注 under the title of a 决议, 公报 or rules adopted at a meeting: "（2009年2月8日…会议通过）" — its 成文日期
TITLE_NOTE = re.compile(rf"^[（(]\s*(?P<date>{DATE_CORE})(?P<rest>[^（）()]{{0,60}})[）)]$")
# the closing formula (结束语) at the end of the 正文 names the 文种 when the title is missing: "特此公告。"
CLOSING_FORMULA = re.compile(r"^特此(?P<type>公告|通告|通知|通报|批复|报告|请示|函告|函复)[。！!.]?$")
# a brief's (简报, 督查通报) header line: the organ that edits it and a date, apart ("寿县人民政府督查室   2022年8月19")
BRIEF_HEADER = re.compile(r"^(?P<organ>[\u4e00-\u9fff（）()]{2,30}?)\s{2,}\d{4}\s*年\s*\d{1,2}\s*月\s*(?:\d{1,2}\s*日?)?$")
# a line spread letter by letter: "几 个 问 题 的 通 知" (three or more characters, each apart)
LETTER_SPACED = re.compile(r"(?:[\u4e00-\u9fff《》“”（）、][ \u3000]+){2,}[\u4e00-\u9fff《》“”（）]")
# the 文种 a 正文 announces: "现将有关事宜通告如下：", "现就有关事项通知如下"
ANNOUNCED_TYPE = re.compile(r"(?:现将|现就|特将|特作|现)[^。；;]{0,16}?(?P<type>公告|通告|通知|通报|批复|决定)如下")
# the 正文 naming itself: "本决定自印发之日起施行", "本通告所称…"; a 请示's request: "特具请示", "以上请示…请批示"
SELF_NAMED_TYPE = re.compile(r"本(?P<type>决议|决定|公报|公告|通告|意见|通知|通报|批复)(?=自|印发|发布|所称|下发|施行|执行|要求|规定|"
                             r"中|的|有关|未尽|由|适用)")
# an 印发/转发 notice's sentence: "现予印发", "现印发给你们", "现将《…》印发给你们", "现转发给你们"
ISSUING_PHRASE = re.compile(r"现(?:予|将[^。；;]{1,60}?)?(?:印发|转发)(?:给你们|施行)?[，,。；;]|现予印发")
REQUEST_TYPE = re.compile(r"特(?:此|具)请示|以上请示|(?:妥否|当否|是否妥当)[，,]?\s*请(?:批示|审批|批复)")
# 纪要格式: the office and the date on one line under the mark
OFFICE_DATE = re.compile(rf"^(?P<office>[\u4e00-\u9fff（）()]{{2,30}}?)\s+{DATE_CORE}\s*$")
PRINT_LINE = re.compile(rf"^(?P<issuer>.*?)\s*(?P<date>(?:[0-9]{{2,4}}|{CN_DIGIT}{{2,4}})\s*年.{{1,3}}月.{{1,3}}[日号])\s*印\s*发\s*$")
# "附件：…"; not a sentence of the 正文 that begins "附件是…" or "附件中…"
ATTACHMENT_NOTE = re.compile(r"^\s*附\s*件\s*(?P<colon>[:：])?\s*(?!(?<![:：])\s*[是为中所的已和及与将均共请需须要])(?P<rest>.*)$")
ATTACHMENT_ITEM = re.compile(r"^\s*(?P<n>\d+)\s*(?P<dot>[．.、,，]?)\s*(?P<name>.+)$")
ATTACHMENT_LABEL = re.compile(r"^\s*附\s*件\s*(?P<n>\d*)\s*$")
CC = re.compile(r"^\s*抄\s*送\s*(?P<colon>[:：])?\s*(?P<rest>.*)$")
ANNOTATION = re.compile(r"^\s*[（(].*(联系人|电话|此件|附注).*")
CONTACT_NAME = re.compile(r"联系人\s*[:：]?\s*(?P<name>[\u4e00-\u9fff]{2,4})")
ATTENDANCE = re.compile(r"^\s*(?P<label>出\s*席|请\s*假|列\s*席)\s*(?:人\s*员)?\s*[:：]\s*(?P<rest>.*)$")  # 纪要 10.3
# the end of a body's name (机关): 局, 委员会, 人民政府, 办公室 …
ORGAN = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|政府|厅|部|院|中心|公司|小组|会|处|署|所|站|队|室|社|团|集团|学校|大学|银行|党委|党组|支部)$")
HEADINGS = [  # level, pattern of the label at the start of a paragraph
    (1, re.compile(r"^(?P<label>(?P<n>[一二三四五六七八九十]{1,3})\s*(?P<sep>[、，,.．]))")),
    (2, re.compile(r"^(?P<label>(?P<open>[（(])(?P<n>[一二三四五六七八九十]{1,3})(?P<close>[）)]))")),
    (3, re.compile(r"^(?P<label>(?P<n>\d{1,2})(?P<sep>[．.、])(?!\d))")),
    (4, re.compile(r"^(?P<label>(?P<open>[（(])(?P<n>\d{1,2})(?P<close>[）)]))")),
]
# a personal addressee ("尊敬的某某县长", "张市长"): drafting.no-personal-addressee says it must be an organ
PERSONAL_ADDRESSEE = re.compile(r"(?:^尊敬的|(?:主席|总理|委员长|省长|市长|县长|区长|州长|镇长|乡长|书记|主任|局长|处长|科长|厅长|部长|"
                                r"院长|校长|行长|会长|董事长|总经理|秘书长|司令员?|政委|同志|领导|代表|委员|先生|女士)$)")
SALUTATION = re.compile(r"^尊敬的\s*")  # "尊敬的唐军县长": the 主送 is 唐军县长 (still a person: the drafting rule says so)
CHINESE_DIGITS = {ch: 0 for ch in ZERO}
CHINESE_DIGITS.update({"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
SENTENCE_END = re.compile(r"[。；;，,！？!?]$")


@dataclass
class Found:
    """An element: its normalised text, the page and the index of its first line, and the text as written."""

    text: str
    page: Optional[int]
    line: int
    original: Optional[str] = None  # as the document writes it (Kangxi radicals, full-width digits kept)

    @property
    def quote(self) -> str:
        """What evidence quotes: the document's own text."""
        return self.original if self.original is not None else self.text


@dataclass
class Heading:
    level: int
    label: str
    number: int
    line: int
    page: Optional[int]


@dataclass
class Elements:
    lines: list[Line] = field(default_factory=list)  # the document's lines, in reading order
    pages_of: list[int] = field(default_factory=list)  # page number of each line
    norm: list[str] = field(default_factory=list)  # each line's text normalised (same length as the line's text)
    format: str = "standard"  # standard | letter (信函) | order (命令) | minutes (纪要): GB/T 9704-2012 ch. 10
    issuers: list[str] = field(default_factory=list)  # 发文机关, the 主办机关 first (联合行文: several)
    copy_number: Optional[Found] = None
    secrecy: Optional[Found] = None  # text: the level and 保密期限 ("机密★1年"), original: the line
    secrecy_unreadable: Optional[Found] = None  # a line that is a 密级 mark whose level cannot be read
    urgency: Optional[Found] = None
    issuer_mark: Optional[Found] = None
    issuer_mark_lines: list[int] = field(default_factory=list)
    doc_number: Optional[Found] = None
    period: Optional[Found] = None  # 纪要: 期号 "第3期"
    signer: Optional[Found] = None
    title: Optional[Found] = None
    title_lines: list[int] = field(default_factory=list)
    doc_type: Optional[str] = None
    addressee: Optional[Found] = None
    addressees: list[str] = field(default_factory=list)
    body_lines: list[int] = field(default_factory=list)
    paragraph_starts: set[int] = field(default_factory=set)
    headings: list[Heading] = field(default_factory=list)
    attachment_note: list[Found] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    signature: Optional[Found] = None  # the 署名 line next to the date (an order: 职务 and 姓名)
    signature_lines: list[int] = field(default_factory=list)
    signature_wrapped: bool = False  # the signature_lines are one organ's name broken over two lines (回行)
    date: Optional[Found] = None
    date_iso: Optional[str] = None
    annotation: Optional[Found] = None
    contact_name: Optional[str] = None
    contact_phone: Optional[str] = None
    attendance: dict[str, Found] = field(default_factory=dict)  # 纪要: 出席, 请假, 列席
    attachment_pages: list[tuple[Found, Optional[Found]]] = field(default_factory=list)
    cc: Optional[Found] = None
    cc_list: list[str] = field(default_factory=list)
    print_line: Optional[Found] = None
    phrases: list[tuple[str, str, int]] = field(default_factory=list)  # (label, text, line index)
    # how the parser came by what it read (S8, 识读把握): see extractors/readings.py
    guessed: set[str] = field(default_factory=set)  # elements guessed from a lone line or a page's header
    chrome_lines: int = 0  # lines of a web page or database around the document that were skipped
    traditional: bool = False  # written in traditional characters, parsed converted to simplified (OpenCC)
    placeholders: list[Found] = field(default_factory=list)  # a template's 占位文字, never read as content
    glossed: bool = False  # a mirror's pinyin glosses ("遠(yuǎn)") were taken out before parsing
    lost_marks: bool = False  # "?" standing for a page's lost blanks or characters, read as blanks
    readings: dict = field(default_factory=dict)  # element → extractors.readings.Reading, filled by parse_elements

    @property
    def upward(self) -> bool:
        """上行文: a 请示 or 报告, or any document that names its 签发人."""
        return self.doc_type in UPWARD_TYPES or self.signer is not None

    @property
    def joint(self) -> bool:
        """联合行文: more than one issuer."""
        return len(self.issuers) > 1

    def text_of(self, indexes) -> str:
        """The normalised text of some lines, joined."""
        return "".join(self.norm[i] for i in indexes)

    @property
    def body_text(self) -> str:
        """正文, normalised: what routing and the search index read."""
        return "\n".join(self.norm[i] for i in self.body_lines)

    @property
    def normalised_text(self) -> str:
        """Every line the parser read (版头 to 版记), normalised, in reading order."""
        return "\n".join(self.norm)

    @property
    def body_chars(self) -> int:
        return sum(1 for ch in self.body_text if not ch.isspace())

    def found(self, i: int, text: Optional[str] = None) -> Found:
        """The element on line i: the whole line, or the part `text` of its normalised text."""
        raw = self.lines[i].text
        if text is None:
            return Found(text=self.norm[i].strip(), page=self.pages_of[i], line=i, original=raw.strip())
        k = self.norm[i].find(text)
        return Found(text=text, page=self.pages_of[i], line=i, original=raw[k:k + len(text)] if k >= 0 else text)

    def found_span(self, indexes, sep: str = "") -> Found:
        """An element over several lines (a title wrapped over two lines)."""
        indexes = list(indexes)
        return Found(text=sep.join(self.norm[i].strip() for i in indexes).strip(), page=self.pages_of[indexes[0]],
                     line=indexes[0], original=sep.join(self.lines[i].text.strip() for i in indexes).strip())


def normalise_digits(text: str) -> str:
    return text.translate({0xFF10 + i: 0x30 + i for i in range(10)})


def chinese_number(text: str) -> Optional[int]:
    """二〇二六 → 2026 (digit by digit; 〇, ○, 零 and a Latin O or 0 read as zero), 二十三 → 23, 十一 → 11."""
    text = normalise_digits(text)
    if text.isdigit() and text.isascii():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (CHINESE_DIGITS.get(ones, 0) if ones else 0)
    digits = [CHINESE_DIGITS.get(ch) for ch in text]
    if not digits or None in digits:
        return None
    return int("".join(str(d) for d in digits))


def _date_of(m: re.Match) -> Optional[str]:
    y, mo, d = (chinese_number(m.group(k)) for k in ("y", "m", "d"))
    if y is None or mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if y < 100:
        y += 2000
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_date(text: str) -> Optional[str]:
    """"2026年7月1日" / "二〇二六年七月一日" / "二O二六年七月一日" → "2026-07-01"; None if not a date line."""
    m = DATE.match(normalise(text))
    return _date_of(m) if m else None


def _unbarred(text: str) -> str:
    """A line without the page's bar after it ("2023年11月24日 |" → "2023年11月24日")."""
    return re.sub(r"\s*[|｜]\s*$", "", text)


def unspaced(text: str) -> str:
    """A letter-spaced line (each character set apart by blanks, as titles and headings are spread) closed up;
    any other text unchanged."""
    return re.sub(r"[ \u3000]+", "", text) if LETTER_SPACED.fullmatch(text.strip()) else text


def split_names(text: str) -> list[str]:
    """Split "各区（市、县）教育局，市属各学校" at 、，, outside brackets."""
    names, depth, current = [], 0, ""
    for ch in text:
        if ch in "（(〔[":
            depth += 1
        elif ch in "）)〕]":
            depth = max(0, depth - 1)
        if ch in "，,、；;" and depth == 0:
            if current.strip():
                names.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        names.append(current.strip())
    return names


def doc_type_of(title: str) -> Optional[str]:
    """The 文种 a title ends in ("…的请示" → 请示), or the non-legal name it uses ("…的汇报" → 汇报)."""
    stripped = re.sub(r"[（(][^（）()]*[）)]$", "", normalise(title).strip()).rstrip("。.")
    for name in sorted(DOC_TYPES + NON_LEGAL_TYPES, key=len, reverse=True):
        if stripped.endswith(name):
            return name
    return None


# what a name in a 主送 ends with, besides an organ's ending: a group of bodies ("有关部门", "直属单位", "各村")
GROUP = re.compile(r"(?:部门|单位|机构|企业|院校|学校|街道|社区|村|镇|乡|行署|盟|旗)$")


def _addressee_name(name: str) -> bool:
    """One name of a 主送: an organ ("…人民政府", "…局"), a group ("各有关单位", "市直有关部门", "各村"), or a person
    addressed by office ("尊敬的某某县长", "李岩代表")."""
    return bool(ORGAN.search(name) or name.startswith("各") or GROUP.search(name)
                or re.search(r"各(?:部门|单位|成员|委|办|局)", name) or PERSONAL_ADDRESSEE.search(name))


# a 公众号's or a site's tag before a title: "「通告」…的通告", "【通知】…", "[转载]…"
TITLE_TAG = re.compile(r"^(?:「[^」]{1,6}」|【[^】]{1,6}】|\[[^\]]{1,6}\]|［[^］]{1,6}］)\s*(?=\S)")


def _untagged(text: str) -> str:
    """A title without a site's tag in front ("「通告」前郭…的通告" → "前郭…的通告")."""
    return TITLE_TAG.sub("", text.strip())


def _names(text: str) -> list[str]:
    """Issuers on one line of a mark or a signature: "示例市教育局　示例市财政局" → both; one name kept whole."""
    parts = [p for p in re.split(r"\s+", text.strip()) if p]
    if len(parts) > 1 and all(ORGAN.search(p) and len(p) >= 3 for p in parts):
        return parts
    joined = "".join(parts)
    return [joined] if joined else []


class _Parser:
    def __init__(self, document: Document):
        self.doc = document
        self.el = Elements()
        # paragraphs start indented from the text block's left edge, the same on every page
        lefts = [p.margin_left_mm for p in document.pages if p.margin_left_mm is not None and p.margins_measured]
        self.block_left = min(lefts) if lefts else None
        self.header_lines: list[Line] = []  # page 1's header zone (a 信函 mark may sit there in a docx)
        whole = "\n".join(ln.text for p in document.pages for ln in p.lines)
        self.el.glossed = has_glosses(whole)  # a mirror's pinyin glosses ("遠(yuǎn)"): read without them
        lost = self.el.lost_marks = has_lost_marks(strip_glosses(whole) if self.el.glossed else whole)  # "?" for blanks
        # a reference document of a word processor shows its styles' names as text ("Title", "Heading 1"): placeholders
        styles = sum(1 for p in document.pages for ln in p.lines if is_style_name(ln.text)) >= STYLE_NAMES_MIN
        for page in document.pages:
            for line in page.lines:
                if line.zone == "header" and page.number == 1 and line.text.strip():
                    self.header_lines.append(line)
                if line.zone in ("footer", "header") or not line.text.strip():
                    continue
                if PAGE_NUMBER.match(line.text) and (line.top is not None and line.top > (page.height_mm or 297) * 0.8
                                                     or line.top is None and STRICT_PAGE_NUMBER.match(line.text)):
                    continue  # a page number: in a PDF by its place, in plain text only in the form "— 1 —"
                if self.el.glossed:
                    line = replace(line, runs=[replace(r, text=strip_glosses(r.text)) for r in line.runs])
                norm = normalise(line.text)
                if lost:
                    norm = blank_lost_marks(norm)
                if styles and is_style_name(norm):
                    self.el.placeholders.append(Found(text=norm.strip(), page=page.number, line=len(self.el.lines),
                                                      original=line.text.strip()))
                    continue
                if placeholder_spans(norm):
                    # a template's 占位文字 is never content: kept aside, blanked out of the text parsed (same length)
                    self.el.placeholders.append(Found(text=norm.strip(), page=page.number, line=len(self.el.lines),
                                                      original=line.text.strip()))
                    norm = blank_placeholders(norm)
                    if only_punctuation(norm):
                        continue
                self.el.lines.append(line)
                self.el.pages_of.append(page.number)
                self.el.norm.append(norm)
                if self._starts_paragraph(line):
                    self.el.paragraph_starts.add(len(self.el.lines) - 1)
        self.n = len(self.el.lines)
        if is_traditional("".join(self.el.norm)):
            # 繁体: parsed in simplified characters (one for one), quoted as written (Found.original)
            self.el.traditional = True
            self.el.norm = [to_simplified(t) for t in self.el.norm]
        self.skip: set[int] = set()  # lines already taken as the value of a label on the line above
        self.indent_base = 0  # a plain text's indentation of the document's own unindented lines (see _site_intro)

    def _starts_paragraph(self, line: Line) -> bool:
        if line.x0 is None or self.block_left is None:
            return True  # docx and text: one line is one paragraph
        size_mm = (line.runs[0].size_pt or 16) * 25.4 / 72
        return line.x0 - self.block_left > size_mm * 0.8

    def text(self, i: int) -> str:
        """Line i's normalised text, stripped."""
        return self.el.norm[i].strip()

    def size(self, i: int) -> Optional[float]:
        runs = [r for r in self.el.lines[i].runs if r.text.strip()]
        return runs[0].size_pt if runs else None

    def red(self, i: int) -> bool:
        return any(is_red(r.color) for r in self.el.lines[i].runs if r.text.strip())

    def parse(self) -> Elements:
        start = self._head()
        end = self._closing(start)
        self.el.body_lines = list(range(start, end))
        if self.el.title is None and self.el.doc_type is None:
            self.el.doc_type = self._type_from_closing_formula()
        if self.el.doc_number is None:
            self._number_in_page_footer(end)
        self.el.addressees = [SALUTATION.sub("", a) for a in self.el.addressees]
        self._headings()
        self._phrases()
        self._format()
        self._issuers()
        return self.el

    # 版头, 标题, 主送机关: in whatever order they come ------------------------------------------------
    def _head(self) -> int:
        """Classify the lines before the 正文 by what they are; returns the index of the 正文's first line."""
        el = self.el
        i = self._forwarded_mail()
        first = i
        self.meta: dict[str, Found] = {}
        # the head is looked for in the first HEAD_LINES lines after the page's own lines (a site's menu of dozens)
        while i < min(self.n, first + HEAD_LINES + min(el.chrome_lines, CHROME_LINES_MAX)):
            if i in self.skip or self._preamble(i):
                el.chrome_lines += 1
                i += 1
                continue
            if el.title is None and el.addressee is None and el.doc_number is None and self._marks(i):
                i += 1
                continue
            if el.doc_number is None:
                span = self._doc_number_at(i)
                if span:
                    i += span
                    continue
            if el.format == "minutes" and self._minutes_header(i):
                i += 1
                continue
            if el.addressee is None:
                span = self._addressee_at(i)
                if span:
                    i += span
                    break  # the 正文 follows the 主送机关
                if el.addressee is not None:
                    break  # a 主送 sharing its line with the 正文's first sentence: the 正文 starts here
            if el.title is None and el.doc_number is None and self._is_issuer_mark(i):
                el.issuer_mark_lines.append(i)
                i += 1
                continue
            if el.title is None:
                span = self._title_at(i)
                if span:
                    i += span
                    i += self._title_note(i)
                    continue
            if el.title is None and el.addressee is None and el.doc_number is None and not el.issuer_mark_lines \
                    and self._site_intro(i):
                el.chrome_lines += 1
                i += 1  # a site's introduction over the document ("下文是小编整理的…")
                continue
            if el.title is None and el.addressee is None and el.doc_number is None and not el.issuer_mark_lines \
                    and self._document_follows(i):
                el.chrome_lines += 1
                i += 1  # a line of the web page or mail before the document starts
                continue
            if el.title is not None and el.addressee is None and self._chrome_after_title(i):
                el.chrome_lines += 1
                i += 1  # a page's line (or a brief's 版头) between the page's heading and the document
                continue
            if el.addressee is None and (el.title is not None or el.doc_number is not None):
                span = self._addressee_without_colon(i)
                if span:
                    i += span
                    break
            break
        if el.title is None and "title" in self.meta:
            el.title = self.meta["title"]
            el.guessed.add("title")  # only a page's header names it
        if el.doc_number is None and "doc_number" in self.meta:
            el.doc_number = self.meta["doc_number"]
            el.guessed.add("doc_number")
        if el.issuer_mark_lines:
            el.issuer_mark = el.found(el.issuer_mark_lines[0])
        if el.title:
            el.doc_type = doc_type_of(el.title.text)
        if el.format == "order" and el.doc_type is None:
            mark = self.text(el.issuer_mark_lines[-1]) if el.issuer_mark_lines else ""
            el.doc_type = "命令" if re.sub(r"第\s*\d+\s*号$", "", mark).endswith("命令") else "令"
        if el.format == "minutes" and el.doc_type is None:
            el.doc_type = "纪要"
        if el.format == "minutes" and el.date is None:
            for j in range(0, min(i, self.n)):  # a 纪要's office and date set above its mark (in the page header)
                m = OFFICE_DATE.match(self.text(j))
                if m and _date_of(m):
                    el.date, el.date_iso = el.found(j, self.text(j)[m.start("y"):].strip()), _date_of(m)
                    break
        return i

    def _forwarded_mail(self) -> int:
        """A forwarded mail's own lines come before "-------- 转发的邮件 --------": the document starts after."""
        for i in range(min(self.n, 30)):
            if FORWARDED.search(self.text(i)):
                return i + 1
        return 0

    def _preamble(self, i: int) -> bool:
        """A line of a web page or a mail header around the document (navigation, metadata, 浏览量)."""
        t = self.text(i)
        el = self.el
        if CLUTTER.match(t) or CLOCK.match(t) or SERIES_HEADING.match(t) or BARE_SECTION.match(t) or self._site_links(t):
            return True
        crumb = CRUMB.match(t)
        if CRUMB_LABEL.match(t) or crumb and self._crumb(t):
            last = crumb.group("last").strip() if crumb else ""
            if last and doc_type_of(_untagged(last)) and "title" not in self.meta:
                self.meta["title"] = el.found(i, _untagged(last))  # the crumb's last part names the document
            return True
        label = LABEL_ONLY.match(t)
        if label and i + 1 < self.n:
            name, value = re.sub(r"\s", "", label.group("label")), self.text(i + 1)
            if not self._label_left_empty(name, value):
                self._meta_value(name, i + 1, value)
                self.skip.add(i + 1)
            if name == "关键词":  # a database's keywords, one a line ("奖章" / "获得者" / "人民政府"), up to its next label
                j = i + 2
                while j < self.n and len(self.text(j)) <= 12 and not re.search(r"[，,。；;：:、！？]", self.text(j)) \
                        and not LABEL_ONLY.match(self.text(j)):
                    self.skip.add(j)
                    j += 1
            return True
        page_title = PAGE_TITLE.match(t)
        if page_title and doc_type_of(page_title.group("title")):  # "…的通知——示例市人民政府网": the browser's title
            self._meta_value("标题", i, page_title.group("title"))
            return True
        section = SECTION_HEADING.match(t)
        if section and el.title is None and doc_type_of(section.group("rest")):  # "第一篇：…的批复": a page's section
            self._meta_value("标题", i, section.group("rest"))
            return True
        if not PREAMBLE.search(t):
            m = DOC_NUMBER.search(t)
            if m and self._titleish_text(t[m.end():]) and (re.search(r"《[^》]+》", t) or m.start() <= 1):
                return True  # "鲁政发〔2014〕20号《山东省人民政府关于…的实施意见》": a page heading
            el = self.el
            if el.doc_number and m and m.group(0) == el.doc_number.text and len(t) < 40:
                return True  # the number printed twice
            if el.title and t and el.addressee is None and len(t) >= 6 and (t in el.title.text or el.title.text in t):
                if t in el.title.text and t != el.title.text and doc_type_of(t) in DOC_TYPES \
                        and not el.title.text.endswith(t):
                    # the page's heading had more after the 文种 ("…的通知(2019修订)", "…的通告（某某局）"): the
                    # document's own title is the line printed under it
                    el.title = el.found(i)
                    el.title_lines = [i]
                return True  # the title printed twice (page heading, then the document)
            return False
        for m in META_FIELD.finditer(t):
            self._meta_value(re.sub(r"\s", "", m.group("label")), i, m.group("value").strip())
        number = DOC_NUMBER.search(t)
        if number and self.el.title and self.el.title.text in re.sub(r"\s", "", t) and "doc_number" not in self.meta:
            self.meta["doc_number"] = self.el.found(i, number.group(0))  # a page header: title, 发文字号, organ, date
        return True

    @staticmethod
    def _label_left_empty(name: str, value: str) -> bool:
        """A page's label alone on its line ("时限：", "主题：") whose next line is not its value: another label, or
        the document's own title (only a 标题/名称/题名/主题 label takes a title for its value)."""
        if LABEL_ONLY.match(value) or name == "文摘内容":
            return True  # (a database's "文摘内容" heads the document's own text: its 主送 and 正文)
        return not name.endswith(("标题", "题名", "名称", "主题")) and doc_type_of(value) in DOC_TYPES \
            and not SENTENCE_END.search(value) and len(value) <= 80

    def _page_line(self, j: int) -> bool:
        """Line j is a line of the page around the document (its chrome, a label, a crumb, a clock), never part of
        a title or a 主送 spanning several lines. Reads only: no page field is kept."""
        t = self.text(j)
        return bool(CLUTTER.match(t) or CLOCK.match(t) or SERIES_HEADING.match(t) or BARE_SECTION.match(t) or self._site_links(t)
                    or CRUMB_LABEL.match(t) or CRUMB.match(t) and self._crumb(t) or LABEL_ONLY.match(t)
                    or PREAMBLE.search(t))

    @staticmethod
    def _site_links(t: str) -> bool:
        """A line of a site's links and switches: two or more parts apart by blanks or bars, each a site's name or a
        switch (SITE_WORD)."""
        parts = [p for p in re.split(r"[\s|｜丨/]+", t) if p]
        return len(parts) >= 2 and all(SITE_WORD.match(p) for p in parts)

    @staticmethod
    def _crumb(t: str) -> bool:
        """A breadcrumb: its parts before the last are short names, with no sentence in them. A ">" that closes a
        "<" is no separator: a title typed with ASCII angle brackets (关于印发<…办法>的通知) or holding a tag."""
        if not re.search(r"\s*(?:>>?|＞＞?|»|›)\s*", re.sub(r"<[^<>]{0,200}>", "", t)):
            return False
        parts = re.split(r"\s*(?:>>?|＞＞?|»|›)\s*", t)
        return len(parts) >= 2 and all(0 < len(p) <= 30 and not SENTENCE_END.search(p) for p in parts[:-1])

    def _meta_value(self, label: str, i: int, value: str) -> None:
        """A page's labelled field (its header block, an information table): kept to corroborate the document's
        own elements, or to stand in where the document has none (then guessed, not read)."""
        value = value.strip()
        if not value:
            return
        if label.endswith(("标题", "题名", "名称")) and "title" not in self.meta:
            number = DOC_NUMBER.match(value)  # "盘政发〔2005〕30号 关于…的决定": the number glued before the title
            if number and doc_type_of(value[number.end():]):
                if "doc_number" not in self.meta:
                    self.meta["doc_number"] = self.el.found(i, number.group(0))
                value = value[number.end():].strip()
            if doc_type_of(_untagged(value)):
                self.meta["title"] = self.el.found(i, _untagged(value))
        elif label.endswith(("字号", "文号")) and DOC_NUMBER.search(value) and "doc_number" not in self.meta:
            self.meta["doc_number"] = self.el.found(i, DOC_NUMBER.search(value).group(0))
        elif label in ("发文单位", "发文机关") and ORGAN.search(value) and len(value) <= 40 and "issuer" not in self.meta:
            self.meta["issuer"] = self.el.found(i, value)
        elif label in ("发布机关", "发布机构") and ORGAN.search(value) and len(value) <= 40 and "publisher" not in self.meta:
            self.meta["publisher"] = self.el.found(i, value)  # who published the page: the issuer only failing better

    def _chrome_after_title(self, i: int) -> bool:
        """Line i stands between a web page's heading (taken for the title) and the document: short lines (a
        menu word, a brief's name, its 期号, "寿县人民政府督查室　2022年8月19") up to the title printed again or a
        主送机关 within the next six lines. A brief's header line "<organ>  <date>" gives the issuer."""
        el = self.el
        if el.format == "order":
            return False
        for j in range(i, min(self.n, i + 6)):
            u = self.text(j)
            if j > i and len(u) >= 6 and (u in el.title.text or el.title.text in u):
                break  # the title again
            if j > i and u.endswith(("：", ":")) and 2 <= len(u) <= 400 and not ("如下" in u or SENTENCE_END.search(u)):
                break  # a 主送机关
            if not u or len(u) > 40 or SENTENCE_END.search(u) or u.endswith(("：", ":")) or self._indented(j) \
                    or DATE.match(u):
                return False  # a date line is the document's (a 令's 署名 and date above the rules it issues)
        else:
            return False
        header = BRIEF_HEADER.match(self.text(i))
        if header and ORGAN.search(header.group("organ")) and "issuer" not in self.meta:
            self.meta["issuer"] = el.found(i, header.group("organ"))
        return True

    def _site_intro(self, i: int) -> bool:
        """Line i is a paragraph like the 正文's on a web page (lines of the page skipped already), with a title
        right under it (within three lines, a series heading between): a site's introduction, not the 正文.
        The title's indentation is then the document's own (a page that indents every line: none is set off)."""
        if not (self.el.chrome_lines and self._indented(i) and len(self.text(i)) > 30):
            return False
        for j in range(i + 1, min(self.n, i + 4)):
            u = self.text(j)
            if SERIES_HEADING.match(u) or len(u) <= 30 and not SENTENCE_END.search(u) and not HEADINGS[0][1].match(u) \
                    and doc_type_of(self.text(j + 1) if j + 1 < self.n else "") in DOC_TYPES:
                continue  # a series heading, or a title's first line
            if doc_type_of(u) in DOC_TYPES and len(u) <= 40 and not SENTENCE_END.search(u) and not HEADINGS[0][1].match(u) \
                    and not CLOSING_FORMULA.match(u):
                raw = self.el.lines[i + 1].text
                self.indent_base = len(raw) - len(raw.lstrip())
                return True
            return False
        return False

    def _document_follows(self, i: int) -> bool:
        """Whether a title or a 发文字号 comes within the next lines: line i is then a page's line, not the 正文."""
        t = self.text(i)
        if self._indented(i) and len(t) > 30:
            return False
        # a menu's word ("科技发展", "农机研发"): short, no sentence in it; a site's menu runs for dozens of lines
        menu = len(t) <= 15 and not re.search(r"[，,。；;：:、！？]", t)
        for j in range(i + 1, min(self.n, i + (MENU_LOOKAHEAD if menu else 12))):
            u = self.text(j)
            if DOC_NUMBER.search(u) and len(u) < 40 or ORDER_MARK_NUMBER.match(u) \
                    or doc_type_of(u) in DOC_TYPES and not SENTENCE_END.search(u) and len(u) <= 80 and not HEADINGS[0][1].match(u) \
                    and not CLOSING_FORMULA.match(u):  # "特此公告" ends a 正文; it is no title ahead
                return True
        return False

    def _marks(self, i: int) -> bool:
        """份号, 密级 (with 保密期限 and 紧急程度 on the same line), 紧急程度 at the top of the 版头."""
        el, t = self.el, self.text(i)
        compact = re.sub(r"\s", "", t)
        if COPY_NUMBER.match(compact) and el.copy_number is None:
            el.copy_number = el.found(i)
            return True
        reading = read_secrecy(t)
        if reading and el.secrecy is None:
            el.secrecy = Found(text=secrecy_text(reading), page=el.pages_of[i], line=i, original=el.lines[i].text.strip())
            if reading["urgency"] and el.urgency is None:
                el.urgency = Found(text=reading["urgency"], page=el.pages_of[i], line=i, original=reading["urgency"])
            if reading["copy"] and el.copy_number is None:
                el.copy_number = Found(text=reading["copy"], page=el.pages_of[i], line=i, original=reading["copy"])
            return True
        urgency = URGENCY.match(compact) or URGENCY_LABELLED.match(compact)
        if urgency and el.urgency is None:
            el.urgency = el.found(i, urgency.group(1))
            return True
        if UNCLASSIFIED_LABEL.match(compact):
            return True  # "密级：无": the document says it is not classified
        if el.issuer_mark_lines or el.secrecy is not None:
            return False
        # a 密级 mark read by extractors.secrecy but not as a whole 密级 line: its level where one can be read
        # ("■机密★1年"), else the 机要员 must look at it ("密级：■■", "杌宓★1年")
        mark = read_mark(t)
        if mark is not None and mark.kind == _MARK_CLASSIFIED and el.secrecy is None:
            el.secrecy = Found(text=mark.level, page=el.pages_of[i], line=i, original=el.lines[i].text.strip())
            return True
        if mark is not None and mark.held and el.secrecy_unreadable is None:
            el.secrecy_unreadable = el.found(i)
            return True
        return False

    def _doc_number_at(self, i: int) -> int:
        """发文字号 (and 签发人 on its line or the next); a 命令's "第12号" under its mark. Returns lines used."""
        el, t = self.el, self.text(i)
        order = ORDER_NUMBER.match(t)
        if order and el.issuer_mark_lines and el.format == "order":
            el.doc_number = el.found(i)
            return 1
        both = ORDER_MARK_NUMBER.match(re.sub(r"\s", "", t))
        if both and "关于" not in t:  # "广州市人民政府令第5号": the mark and the number on one line
            el.format = "order"
            el.issuer_mark_lines.append(i)
            el.doc_number = el.found(i, both.group("number")) if both.group("number") in t else el.found(i)
            if el.title is not None and el.title.line < i:
                el.title, el.title_lines = None, []  # a web page's heading above the order, not its title
            return 1
        m = DOC_NUMBER.search(t)
        old_style = re.fullmatch(r"[（(]?\s*(?P<n>" + OLD_DOC_NUMBER.pattern + r")\s*[）)]?", t.strip()) if not m else None
        if old_style:  # a line that is the old-style number alone (a site may wrap it in parentheses)
            el.doc_number = el.found(i, old_style.group("n"))
            return 1
        if not m or t.endswith(("：", ":")):
            return 0
        rest = re.sub(r"^\s*(?:发文字号|文号)\s*[:：]?", "", t[:m.start()]) + t[m.end():]  # "文号：示政发〔2026〕3号"
        s = SIGNER.search(rest)
        if s:
            rest = rest[:s.start()]
        if len(re.sub(r"[\s（）()]", "", rest)) > 2:
            return 0  # a sentence that cites a number, not the 发文字号 line
        el.doc_number = el.found(i, m.group(0))
        if m.group("prefix").endswith("令"):
            el.format = "order"  # "政府令〔2010〕第15号"
            if el.title is not None and el.title.line < i:
                el.title, el.title_lines = None, []  # the name of the rules it issues, above the 令号: a 令 has no title
        s = SIGNER.search(t)
        if s:
            el.signer = el.found(i, t[s.start():].strip())
        # 签发人 may stand on the next line (several signers, a table cell, a line break in the PDF)
        nxt = i + 1
        used = 1
        if nxt < self.n and el.signer is None and SIGNER.search(self.text(nxt)) and self.text(nxt).startswith("签发人"):
            el.signer = el.found(nxt)
            nxt, used = nxt + 1, 2
        # the signers' names on the next line ("签发人：" alone in its cell, or a second signer under the first): names
        # of two to four characters, apart by blanks, in the body's size — never the title under them
        if nxt < self.n and el.signer and not self._large(nxt) and not doc_type_of(self.text(nxt)) \
                and not ORGAN.search(self.text(nxt)) and (SIGNER_NAMES.fullmatch(self.text(nxt)) or (
                    re.fullmatch(r"[\u4e00-\u9fff·\s]{2,12}", self.text(nxt)) and el.lines[nxt].align != "center")):
            el.signer = Found(el.signer.text + " " + self.text(nxt), el.signer.page, el.signer.line,
                              (el.signer.original or "") + " " + el.lines[nxt].text.strip())
            return used + 1
        return used

    def _minutes_header(self, i: int) -> bool:
        """纪要格式: 期号, and the office and date on one line."""
        el, t = self.el, self.text(i)
        if el.period is None and PERIOD.match(t):
            el.period = el.found(i)
            return True
        m = OFFICE_DATE.match(t)
        if m and el.date is None:
            el.date = el.found(i, t[m.start("y"):].strip())
            el.date_iso = _date_of(m)
            el.signature = el.found(i, m.group("office"))
            return True
        return False

    def _is_issuer_mark(self, i: int) -> bool:
        """发文机关标志: red, or "…文件", or a 命令/纪要 mark, or the organ name(s) above the 发文字号."""
        el, t = self.el, self.text(i)
        if not t or SENTENCE_END.search(t) or len(t) > 40 or "关于" in t or t.endswith(("：", ":")):
            return False
        if len(re.findall(r"[\u4e00-\u9fff]", t)) < 2:
            return False  # a mark names an organ in Chinese: a red or large "Jose AI" (a template's sample) is none
        after = [self.text(j) for j in range(i + 1, min(self.n, i + 4))]
        if t.endswith(("令", "命令")) and after and ORDER_NUMBER.match(after[0]):
            el.format = "order"  # GB/T 9704-2012 10.2
            return True
        if t.endswith("纪要") and (any(PERIOD.match(x) or OFFICE_DATE.match(x) or DATE.match(x) for x in after[:3])
                                  or self.red(i) or (self.size(i) or 0) >= 24):
            el.format = "minutes"  # GB/T 9704-2012 10.3
            return True
        if self.red(i):
            return True
        if t.endswith("文件"):
            # "…文件" names an organ before it ("国务院文件", "中共中央文件"); a site's menu word "政策文件" does not
            return len(t) > 5 or bool(ORGAN.search(t[:-2]))
        if doc_type_of(t):
            return False
        size = self.size(i)
        if size and size >= 24:
            return True  # set larger than a 2号 title
        for j in range(i + 1, min(self.n, i + 5)):  # the organ names stacked above the 发文字号
            u = self.text(j)
            if DOC_NUMBER.search(u) and len(u) < 60:
                return bool(ORGAN.search(t) or t.endswith("文件"))
            if not (ORGAN.search(u) or u.endswith("文件")) or "关于" in u:
                break
        # an organ's name right above a title, with no 发文字号 (a 信函 without number, a pasted text) — but not
        # organs over a line starting 关于: that is a title's first line (国务院办公厅、中央军委办公厅 / 关于…的通知)
        if after and after[0].startswith("关于"):
            # an organ alone over "关于…" with nothing red or large about it, and no 发文字号 in between: the title's
            # first line (发文机关 + 事由 + 文种); taking it for a 版头 returned a published 通告 for lacking a 发文字号
            return False
        # the line under it must be a title on its own ("…关于…的通知", "示例市公安局通告"): under an organ's name,
        # "合作备忘录协调会议纪要" is the second half of a title whose first line that is ("落实…与海航集团")
        return bool(ORGAN.search(t)) and len(t) <= 30 and bool(after) and self._titleish_text(after[0]) \
            and self._stands_alone(after[0])

    @staticmethod
    def _stands_alone(u: str) -> bool:
        """A title complete on its own line: it has 关于 / 转发 / 印发, or it is an organ's name and a 文种."""
        kind = doc_type_of(u)
        return bool(re.search(r"关于|转发|印发", u)) or bool(kind and ORGAN.search(re.sub(r"[（(][^（）()]*[）)]$", "", u)[:-len(kind)]))

    @staticmethod
    def _titleish_text(t: str) -> bool:
        return "关于" in t or doc_type_of(t) is not None

    def _large(self, i: int) -> bool:
        size = self.size(i)
        return bool(size and size >= 18)

    def _indented(self, i: int) -> bool:
        """A paragraph indented like body text (an addressee and a title are not)."""
        line = self.el.lines[i]
        raw = line.text
        if len(raw) - len(raw.lstrip()) - self.indent_base >= 2:
            return True
        if line.first_indent_mm and line.first_indent_mm > 3:
            return True
        if line.x0 is not None and self.block_left is not None and line.align != "center":
            size_mm = (self.size(i) or 16) * 25.4 / 72
            return line.x0 - self.block_left > size_mm * 0.8
        return False

    def _title_at(self, i: int) -> int:
        """标题 starting on line i, over one to three lines (回行); returns the lines used, 0 if no title here."""
        el, t = self.el, self.text(i)
        if not t or t.endswith(("：", ":")) or DOC_NUMBER.search(t) and len(t) < 40 or PERIOD.match(t) or ORDER_NUMBER.match(t):
            return 0
        if len(re.findall(r"[\u4e00-\u9fff]", t)) < 2:
            return 0  # a 标题 is written in Chinese: a large "Jose AI" (a template's sample text) is none
        geometric = bool(self.doc.geometry and self._large(i) and not self.red(i))
        if SENTENCE_END.search(t) and not self._title_with_stop(t) or len(t) > 120 or DATE.match(t):
            return 0  # a sentence of the 正文, not a title
        if self._category_heading(i):
            return 0  # "公文批复": a site's section heading over the document's own title
        lines = [i]
        if not (self._titleish_text(t) or geometric):
            # a short line before the 主送机关 or 发文字号 is still the title (one that lacks its 文种)
            nxt = self.text(i + 1) if i + 1 < self.n else ""
            if len(t) > 60 or len(t) < 5 or self._indented(i):
                return 0  # (a page's 2-character button, "朗读", "打印", over the 主送 is no title)
            if not (nxt.endswith(("：", ":")) or DOC_NUMBER.search(nxt)):
                wrapped = self._wrapped_title(i, False)  # or a title whose first line is its issuer's name
                if len(wrapped) == 1:
                    return 0
                lines = wrapped
        size = self.size(i)
        if geometric:
            j = i + 1
            while j < self.n and j - i < 4:
                nxt = el.lines[j]
                next_size = self.size(j)
                if self.doc.ocr:
                    # OCR sizes of short lines scatter: a large, centred line under an unfinished title continues it
                    continues = bool(next_size and next_size >= 18 and nxt.align == "center"
                                     and doc_type_of(el.text_of(lines)) is None)
                else:
                    continues = bool(next_size and abs(next_size - size) <= 0.1)
                if continues and not self.text(j).endswith(("：", ":")) and not self.red(j):
                    lines.append(j)  # a title wrapped over several lines
                    j += 1
                    continue
                break
        if len(lines) == 1 and doc_type_of(t) not in DOC_TYPES:
            lines = self._wrapped_title(i, geometric)
        el.title_lines = lines
        el.title = el.found_span(lines)
        if any(LETTER_SPACED.fullmatch(self.text(j)) for j in lines):  # "几 个 问 题 的 通 知": set out, not words
            el.title = Found(self._title_text(lines), el.title.page, el.title.line,
                             "".join(unspaced(el.lines[j].text.strip()) for j in lines))
        if "\n" in el.title.text:  # a manual line break inside the title's paragraph (docx <w:br/>): one title
            el.title = Found(re.sub(r"\s*\n\s*", "", el.title.text), el.title.page, el.title.line,
                             re.sub(r"\s*\n\s*", "", el.title.original or ""))
        cited = re.search(r"[（(](?P<number>[^（）()]*〔\d{4}〕\d+号)[）)]$", el.title.text)
        if cited and DOC_NUMBER.search(cited.group("number")):  # "…的通知(岳办发〔2017〕2号)": a page's heading
            number = DOC_NUMBER.search(cited.group("number")).group(0)
            el.title = Found(el.title.text[:cited.start()], el.title.page, el.title.line,
                             (el.title.original or "")[:cited.start()])
            if el.doc_number is None:
                el.doc_number = Found(number, el.title.page, el.title.line, number)
        wrapped = re.fullmatch(r"《(.+)》", el.title.text)
        if wrapped and doc_type_of(wrapped.group(1)):  # a web page quoting the title: "《…的通知》"
            el.title = Found(wrapped.group(1), el.title.page, el.title.line, (el.title.original or "")[1:-1])
        tag = TITLE_TAG.match(el.title.text)
        if tag and doc_type_of(el.title.text[tag.end():]):  # "「通告」…的通告": a 公众号's tag before the title
            el.title = Found(el.title.text[tag.end():], el.title.page, el.title.line, (el.title.original or "")[tag.end():])
        return len(lines)

    @staticmethod
    def _title_with_stop(t: str) -> bool:
        """A title that ends with a full stop ("…的通知。"): a title still (element.title says it takes no closing
        punctuation), where the words before the stop name a 文种 and read like a title, not a sentence."""
        return t.endswith(("。", ".")) and doc_type_of(t[:-1]) in DOC_TYPES and "关于" in t and len(t) <= 80 \
            and not re.search(r"[，,；;。]", t[:-1])

    def _category_heading(self, i: int) -> bool:
        """A short line that names a kind of document ("公文批复", "政府通知") with a full title ("…关于…的批复")
        in the next lines: a page's section heading, not the title."""
        t = self.text(i)
        kind = doc_type_of(t)
        if "关于" in t or kind is None or t == kind:
            return False
        organ = t[:-len(kind)]
        if len(t) > 6 or ORGAN.search(organ):
            # "周口市人民政府通知" over "周口市人民政府关于印发…的通知": an organ and a 文种, the full title of that organ next
            if not (len(t) <= 24 and ORGAN.search(organ) and not SENTENCE_END.search(t)):
                return False
            return any(self.text(j).startswith(organ + "关于") and doc_type_of(self.text(j)) == kind
                       for j in range(i + 1, min(self.n, i + 4)))
        for j in range(i + 1, min(self.n, i + 6)):
            u = self.text(j)
            if "关于" in u and doc_type_of(u) in DOC_TYPES and not SENTENCE_END.search(u):
                return True
        return False

    def _other_size(self, i: int, j: int) -> bool:
        """In a laid-out document, lines i and j are set in different sizes: not one title (the 纪要's "〔2026〕第5次"
        line in 三号 仿宋 under the mark is not the first line of a 二号 title)."""
        if not self.doc.geometry or self.doc.ocr:
            return False
        a, b = self.size(i), self.size(j)
        return bool(a and b and abs(a - b) > 0.5)

    def _title_note(self, i: int) -> int:
        """题注 on line i, under the title: a date in brackets ("（2009年2月8日菏泽市第十七届人民代表大会第三次会议
        通过）"), the form 决议, 公报 and adopted rules carry instead of a date line under the signature. Taken as
        the 成文日期 (the date part only); returns 1 if line i is one, else 0."""
        el = self.el
        m = TITLE_NOTE.match(self.text(i)) if i < self.n and el.date is None else None
        if not m or _date_of(m) is None:
            return 0
        el.date = el.found(i, m.group("date"))
        el.date_iso = _date_of(m)
        return 1

    def _title_text(self, lines: list[int]) -> str:
        """The title over these lines, a letter-spaced line ("几 个 问 题 的 通 知") closed up."""
        return "".join(unspaced(self.text(j)) for j in lines)

    def _wrapped_title(self, i: int, geometric: bool) -> list[int]:
        """A title broken over short lines until its 文种 ("关于加强城区排水设施维护的" / "通知"); [i] if none."""
        t = self.text(i)
        candidate = [i]
        for j in range(i + 1, min(self.n, i + 3)):
            u = self.text(j)
            if not u or u.endswith(("：", ":")) or SENTENCE_END.search(u) or len(u) > 40 or DOC_NUMBER.search(u) or DATE.match(u) \
                    or self._indented(j) or (geometric and not self._large(j)) or PERIOD.match(u) or self._other_size(i, j) \
                    or self._page_line(j):
                break
            candidate.append(j)
            if doc_type_of(self._title_text(candidate)) in (DOC_TYPES if doc_type_of(t) else DOC_TYPES + NON_LEGAL_TYPES):
                if "关于" in u and u.index("关于") <= 30 and doc_type_of(u) and any("关于" in self.text(k) for k in candidate[:-1]):
                    return [j]  # two titles over each other (a page's heading, then the document's): the last
                return candidate
        return [i]

    def _addressee_at(self, i: int) -> int:
        """主送机关: ends with a colon; a long list may wrap after 、 or ， (never glued to a title's last line).
        An indented 主送 (a pasted text that indents every line) is one when it is a list of organs; a 主送 that
        shares its line with the 正文's first sentence ("各区财政局：现将…") is the part before the colon."""
        el = self.el
        if self._shared_addressee(i):
            return 0  # the 正文 starts on this line: it stays in the 正文 (el.addressee is set)
        if self._indented(i):
            t = self.text(i)
            if not (t.endswith(("：", ":")) and self._organ_list(t.rstrip("：:"))):
                return 0
        for span in (1, 2, 3):
            if i + span > self.n:
                break
            indexes = range(i, i + span)
            text = el.text_of(indexes).strip()
            last = self.text(i + span - 1)
            if last.endswith(("：", ":")):
                if len(text) >= 120 and not self._long_addressee_list(text) or len(text) >= 400 \
                        or ATTACHMENT_NOTE.match(text) or SIGNER.search(text) or SECRECY_LABEL.match(text) \
                        or ATTENDANCE.match(text) or "如下" in text or DOC_NUMBER.search(text):
                    return 0
                if any(not (re.search(r"[、，,；;]$", self.text(k)) or len(self.text(k)) >= 20)
                       or self._titleish_text(self.text(k)) or self._large(k) for k in indexes[:-1]):
                    return 0
                if any(self._page_line(k) for k in indexes) or not self._names_a_body(text):
                    return 0  # a page's label ("请选择年份：", "时限：", "您当前所在位置：") is no 主送
                el.addressee = el.found_span(indexes)
                el.addressees = split_names(el.addressee.text.rstrip("：:"))  # "各有关单位：:" (a colon typed twice)
                return span
            if SENTENCE_END.search(last) and not re.search(r"[、，,]$", last):
                return 0
        return 0

    @staticmethod
    def _names_a_body(text: str) -> bool:
        """At least one name of a 主送 is a body, a group of bodies or a person addressed by office: what a page's
        label ("请选择年份", "时限", "主题") never is."""
        return any(_addressee_name(x) for x in split_names(text.strip().rstrip("：:")))

    @staticmethod
    def _organ_list(text: str) -> bool:
        """Names of bodies and nothing else: each part between 、，, is an organ ("…人民政府", "…局"), a group of them
        ("各区县人民政府", "市政府各部门", "各有关单位") or a personal addressee ("尊敬的某某县长"), at most 40 characters."""
        text = text.strip().rstrip("：:")
        parts = [x for x in split_names(text) if x]
        return bool(parts) and len(text) <= 400 and not re.search(r"[。；;！？!?]", text) and all(
            len(x) <= 40 and _addressee_name(x) for x in parts)

    def _shared_addressee(self, i: int) -> bool:
        """A 主送 sharing its line with the 正文's first sentence: "各区财政局：现将…". Taken as the 主送 (its part
        of the line, el.addressee); the line also starts the 正文, so it is not consumed. True if taken."""
        el, t = self.el, self.text(i)
        m = re.match(r"^(?P<names>[^：:。；;]{2,120}?)[：:]{1,2}\s*(?P<rest>\S.{5,})$", t)
        if not m or not self._organ_list(m.group("names")) or "如下" in m.group("names") or DOC_NUMBER.search(t[:m.end("names")]):
            return False
        raw = el.lines[i].text
        k = el.norm[i].find(m.group("names"))
        end = k + len(m.group("names")) + 1
        el.addressee = Found(text=t[:m.end("names") + 1], page=el.pages_of[i], line=i,
                             original=raw[k:end].strip() if k >= 0 else None)
        el.addressees = split_names(m.group("names"))
        return True

    def _addressee_without_colon(self, i: int) -> int:
        """A 主送 line that lost its colon (a page that dropped it): a list of organs under the title or the
        发文字号, with the 正文 (a sentence) on the next line. Guessed, so its reading is doubtful."""
        el, t = self.el, self.text(i)
        if t.endswith(("：", ":")) or SENTENCE_END.search(t) or len(t) > 200 or i + 1 >= self.n:
            return 0
        if not (self._organ_list(t) and len(split_names(t)) >= 2):
            return 0
        nxt = self.text(i + 1)
        if len(nxt) < 20 or not re.search(r"[。，；]", nxt):
            return 0
        el.addressee = el.found(i)
        el.addressees = split_names(t)
        el.guessed.add("addressee")
        return 1

    @staticmethod
    def _long_addressee_list(text: str) -> bool:
        """A 主送 of many organs (a 普发 list of every province, 120–400 characters): names of at most 40
        characters between 、 and ， (at least six of them), no sentence in it."""
        names = [x for x in re.split(r"[、，,]", text.rstrip("：:")) if x]
        return len(names) >= 6 and not re.search(r"[。；;！？]", text) and all(len(x) <= 40 for x in names)

    # 附件说明, 署名, 成文日期, 附注, 附件, 纪要的出席名单, 版记 ----------------------------------------------
    def _closing(self, start: int) -> int:
        el = self.el
        date_at = None
        glued = None
        lost_marks = None
        if el.date is None:  # a 纪要's date stands under its mark
            for j in range(start, self.n):
                if DATE.match(_unbarred(self.text(j))) and not PRINT_LINE.match(self.text(j)):
                    date_at = j  # (a page's "|" after it dropped: "2023年11月24日 |")
                    break
                bare = BARE_DIGIT_DATE.match(self.text(j))
                if bare and j > start and self._looks_like_signature(j - 1) and ORGAN.search(self.text(j - 1)):
                    date_at, lost_marks = j, bare  # "湖南省农业农村厅" / "20231213": the page lost 年, 月, 日
                    break
                m = SIGNED_DATE.match(self.text(j))
                if m and ORGAN.search(m.group("organ")) and parse_date(m.group("date")) and not PRINT_LINE.match(self.text(j)):
                    date_at, glued = j, m  # "示例市人民政府2023年7月12日": 署名 and 成文日期 on one line
                    break
        body_end = date_at if date_at is not None else self.n
        if lost_marks is not None:
            el.date = el.found(date_at)
            y, mo, d = lost_marks.group("y"), lost_marks.group("m") or lost_marks.group("m2"), lost_marks.group("d") or lost_marks.group("d2")
            el.date_iso = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
            el.guessed.add("date")  # read off digits alone: the layout and the characters did not say it is a date
            el.signature_lines = self._signature_lines(start, date_at)
            if el.signature_lines:
                el.signature = el.found(el.signature_lines[0])
                body_end = el.signature_lines[0]
        elif glued is not None:
            el.date = el.found(date_at, glued.group("date"))
            el.date_iso = parse_date(glued.group("date"))
            el.signature = el.found(date_at, glued.group("organ"))
            el.signature_lines = [date_at]
            el.guessed.add("date")  # read off a line the 署名 shares: the layout did not set it apart
            body_end = date_at
        elif date_at is not None:
            el.date = el.found(date_at, _unbarred(self.text(date_at)))
            el.date_iso = parse_date(_unbarred(self.text(date_at)))
            el.signature_lines = self._signature_lines(start, date_at)
            tail = SIGNATURE_TAIL.search(self.text(date_at - 1)) if date_at > start and not el.signature_lines else None
            if el.signature_lines:
                el.signature = el.found(el.signature_lines[0])
                body_end = el.signature_lines[0]
            elif tail and ORGAN.search(tail.group("organ")) and len(self.text(date_at - 1)) > 40:
                # a flattened text set back to lines: its 署名 ends the line above the date ("…电话：0574-58587336
                # 慈溪掌起镇人民政府"); taken as a guess, the line stays in the 正文
                el.signature = el.found(date_at - 1, tail.group("organ"))
                el.signature_lines = [date_at - 1]
                el.guessed.add("signature")
        else:
            # no date line: the 正文 ends where the 版记 (抄送, 印发) begins
            for j in range(start, self.n):
                if CC.match(self.text(j)) and j in el.paragraph_starts or PRINT_LINE.match(self.text(j)):
                    body_end = j
                    break
            last = body_end - 1
            glued_date = GLUED_DATE.search(self.text(last)) if last > start else None
            if glued_date and parse_date(glued_date.group("date")):
                # a date at the end of the last paragraph, after its full stop ("…作出更大贡献。 二○○五年二月七日"):
                # a page that lost the line break before the 成文日期; taken as a guess (the 正文 keeps the line)
                el.date = el.found(last, glued_date.group("date"))
                el.date_iso = parse_date(glued_date.group("date"))
                el.guessed.add("date")
            elif last > start and self._bare_signature(last):
                # an organ's name alone on the last line, its date lost (a page cut it): the 署名, guessed
                el.signature_lines = [last]
                el.signature = el.found(last)
                el.guessed.add("signature")
                body_end = last
        attendance_end = self._attendance(start, body_end)
        if el.attendance:
            body_end = min(f.line for f in el.attendance.values())
        # 附件说明: the last "附件：" paragraph before the signature, with its numbered continuation lines
        for j in range(start, body_end):
            m = ATTACHMENT_NOTE.match(self.text(j))
            if m and j in el.paragraph_starts and (m.group("colon") or m.group("rest")) and not ATTACHMENT_LABEL.match(self.text(j)):
                notes = [j]
                k = j + 1
                while k < body_end and (ATTACHMENT_ITEM.match(self.text(k)) or k not in el.paragraph_starts):
                    notes.append(k)
                    k += 1
                el.attachment_note = [el.found(x) for x in notes]
                el.attachments = self._attachment_names(notes)
                body_end = j
                break
        after = (date_at + 1) if date_at is not None else max(body_end, attendance_end)
        self._after_date(after)
        return body_end

    def _bare_signature(self, j: int) -> bool:
        """Line j, the last of a text with no 成文日期, is an organ's name and nothing else ("民政局")."""
        t = self.text(j)
        return 2 < len(t) <= 30 and bool(ORGAN.search(t)) and not SENTENCE_END.search(t) and not re.search(r"[：:（(]", t) \
            and not HEADINGS[0][1].match(t) and doc_type_of(t) is None and not DOC_NUMBER.search(t)

    def _signature_lines(self, start: int, date_at: int) -> list[int]:
        """署名 above the date: one line, or several organs' names stacked (联合行文), first = 主办机关."""
        lines: list[int] = []
        j = date_at - 1
        while j >= start and len(lines) < 4:
            t = self.text(j)
            if ATTACHMENT_NOTE.match(t) or ATTACHMENT_ITEM.match(t) and not lines:
                break
            if not lines:
                if not self._looks_like_signature(j):
                    break
            elif not (all(ORGAN.search(p) for p in t.split()) and not SENTENCE_END.search(t) and len(t) <= 40
                      and all(ORGAN.search(p) for p in self.text(lines[0]).split())):
                if len(lines) == 1 and self._wraps_into(j, lines[0]):
                    lines.insert(0, j)  # "中共乐至县委巡察工作" / "领导小组办公室": one name over two lines
                    self.el.signature_wrapped = True
                break
            lines.insert(0, j)
            j -= 1
        return lines

    def _number_in_page_footer(self, end: int) -> None:
        """A 发文字号 only in a page's information table after the document (a header row "索引号 文号 发布机构…",
        its values on the next line, or "文号：…" on one line): taken, as a guess, from the lines after the 正文."""
        el = self.el
        start = max(end, el.date.line + 1 if el.date else end)
        for j in range(start, self.n):
            t = self.text(j)
            label = re.search(r"发\s*文\s*字\s*号|(?<![\u4e00-\u9fff])文\s*号", t)
            if not label:
                continue
            m = DOC_NUMBER.search(t[label.end():])
            if not m and j + 1 < self.n:
                j += 1  # the header row's values on the next line
                m = DOC_NUMBER.search(self.text(j))
            if m:
                el.doc_number = el.found(j, m.group(0))
                el.guessed.add("doc_number")
                return

    def _type_from_closing_formula(self) -> Optional[str]:
        """文种 of a document without a title: the one its 正文 announces ("现将有关事宜通告如下"), else its 结束语 in
        the last lines ("特此公告。" → 公告). The announcement wins: a 结束语 is where a slip is made."""
        for i in self.el.body_lines:
            m = ANNOUNCED_TYPE.search(self.text(i))
            if m:
                return m.group("type")
        for i in self.el.body_lines:
            m = SELF_NAMED_TYPE.search(self.text(i))
            if m:
                return m.group("type")
        if any(REQUEST_TYPE.search(self.text(i)) for i in self.el.body_lines):
            return "请示"
        for i in reversed(self.el.body_lines[-3:]):
            m = CLOSING_FORMULA.match(self.text(i))
            if m:
                return "函" if m.group("type").startswith("函") else m.group("type")
        if any(ISSUING_PHRASE.search(self.text(i)) for i in self.el.body_lines[:3]):
            return "通知"  # "…已经…会议通过，现予印发": an 印发通知 (条例 第八条(十): 通知 issues documents)
        return None

    def _wraps_into(self, j: int, k: int) -> bool:
        """Line j is the first half of the organ's name that line k ends (a long 署名 broken over two lines): j
        alone is no organ, 6–20 characters (a name wraps only when long), ends with no punctuation, is no 结束语 or
        list item, is aligned like k, and j + k is an organ."""
        t, u = self.text(j), self.text(k)
        a, b = self.el.lines[j], self.el.lines[k]
        return (6 <= len(t) <= 20 and not ORGAN.search(t) and " " not in t and not re.search(r"[\W\d]$", t)
                and not re.match(r"(特此|此告|此复|此致|敬礼)", t)  # a 结束语 line stands above some signatures
                and not ATTACHMENT_ITEM.match(t) and not ATTACHMENT_NOTE.match(t)
                and bool(ORGAN.search(t + u)) and len(t + u) <= 40 and a.align == b.align)

    def _looks_like_signature(self, j: int) -> bool:
        text, line = self.text(j), self.el.lines[j]
        if re.search(r"[。；;，,：:！？]$", text) or len(text) > 40 or re.match(r"附\s*[:：]", text):
            return False  # (an old-style 附件说明 "附：…办法（试行）" is no 署名)
        return line.align in ("right", "center") or (line.x0 is not None and line.x0 > 80) or len(text) <= 25

    def _attendance(self, start: int, end: int) -> int:
        """纪要 10.3: "出席：" "请假：" "列席：" lists after the 正文; returns the line after the last list."""
        el = self.el
        j, last = start, start
        while j < self.n:
            m = ATTENDANCE.match(self.text(j))
            if not m or (j < end and j not in el.paragraph_starts):
                j += 1
                continue
            k = j
            while k + 1 < self.n and k + 1 not in el.paragraph_starts and not ATTENDANCE.match(self.text(k + 1)):
                k += 1  # a long list wrapped in a PDF
            label = re.sub(r"\s", "", m.group("label"))
            el.attendance.setdefault(label, el.found_span(range(j, k + 1)))
            last = k + 1
            j = k + 1
        return last

    def _attachment_names(self, notes: list[int]) -> list[str]:
        text = self.text(notes[0])
        rest = ATTACHMENT_NOTE.match(text).group("rest")
        items: list[str] = []
        for k, raw in enumerate([rest] + [self.text(x) for x in notes[1:]]):
            m = ATTACHMENT_ITEM.match(raw)
            if m and (k == 0 or m.group("dot")):
                items.append(m.group("name").strip())
            elif items and k > 0:
                items[-1] += raw.strip()  # a long name wrapped onto the next line
            elif raw.strip():
                items.append(raw.strip())
        return items

    def _after_date(self, j: int) -> None:
        el = self.el
        # 附注: one parenthesised paragraph right under the date (it may wrap in a PDF)
        if j < self.n and ANNOTATION.match(self.text(j)):
            k = j
            text = self.text(j)
            while not text.rstrip().endswith(("）", ")")) and k + 1 < self.n and k - j < 3:
                k += 1
                text += self.text(k)
            el.annotation = el.found_span(range(j, k + 1))
            name = CONTACT_NAME.search(text)
            el.contact_name = name.group("name") if name else None
            phone = nlp.PHRASES["PHONE"].search(text)
            el.contact_phone = phone.group(0) if phone else None
            j = k + 1
        while j < self.n:
            t = self.text(j)
            label = ATTACHMENT_LABEL.match(t)
            if label:
                title = el.found(j + 1) if j + 1 < self.n else None
                el.attachment_pages.append((el.found(j), title))
            elif CC.match(t) and el.cc is None:
                k, text = j, t
                while not text.endswith(("。", ".")) and k + 1 < self.n and not PRINT_LINE.match(self.text(k + 1)) and k - j < 3:
                    k += 1
                    text += self.text(k)
                el.cc = el.found_span(range(j, k + 1))
                el.cc_list = split_names(CC.match(text).group("rest").rstrip("。."))
                j = k
            elif PRINT_LINE.match(t):
                el.print_line = el.found(j)
            j += 1

    # 格式 and 发文机关 -------------------------------------------------------------------------------
    def _format(self) -> None:
        """信函格式 (10.1): the number at the top right under the mark, red double lines, or the mark in the header."""
        el = self.el
        if el.format != "standard":
            return
        if el.doc_type == "纪要" and not (el.issuer_mark and el.issuer_mark.text.endswith("文件")):
            el.format = "minutes"  # 10.3: a 纪要 (its title or its mark names it), not issued under a "…文件" mark
            return
        if not el.issuer_mark and not any(is_red(r.color) for ln in self.header_lines for r in ln.runs if r.text.strip()):
            return
        if el.doc_number and el.signer is None and not (el.issuer_mark and el.issuer_mark.text.endswith("文件")):
            line = el.lines[el.doc_number.line]  # a 信函's mark is the organ's name, never "…文件"
            page = next((p for p in self.doc.pages if p.number == el.doc_number.page), None)
            width = page.width_mm if page else None
            if line.align == "right" or (line.x0 is not None and width and line.x0 > width * 0.5):
                el.format = "letter"
                return
        page1 = self.doc.pages[0] if self.doc.pages else None
        if page1 and page1.height_mm:
            number_top = el.lines[el.doc_number.line].top if el.doc_number else None
            reds = sorted({round(r.top, 1) for r in page1.rules if is_red(r.color) and r.length_mm > 100
                           and r.top < page1.height_mm * 0.35 and (number_top is None or r.top < number_top)})
            # two lines 0.4–3 mm apart (one drawn twice, fill and stroke, is one line)
            if any(0.4 < b - a < 3.0 for a, b in zip(reds, reds[1:])):
                el.format = "letter"  # 武文线: a thick and a thin red line together
                return
        if any(is_red(r.color) for ln in self.header_lines for r in ln.runs if r.text.strip()):
            el.format = "letter"  # the 信函 mark set in the page header (docx)

    def _issuers(self) -> None:
        """发文机关: from the mark and the signature; 联合行文 lists every one, the 主办机关 first."""
        el = self.el
        marks: list[str] = []
        for i in el.issuer_mark_lines:
            t = self.text(i)
            if el.format == "order":
                t = re.sub(r"第\s*\d+\s*号$", "", re.sub(r"\s", "", t))
                marks += [re.sub(r"(命令|令)$", "", t)] if not DOC_NUMBER.search(t) else []
            elif el.format == "minutes":
                marks += [re.sub(r"(?:常务)?(?:会议)?纪要$", "", re.sub(r"\s", "", t))]
            else:
                t = re.sub(r"\s*文件$", "", t)
                marks += _names(t) if t.strip() else []
        marks = [m for m in marks if m]
        signed: list[str] = []
        if el.format == "minutes" and el.signature:
            signed = [re.sub(r"\s", "", el.signature.text)]
        elif el.format != "order" and el.signature_wrapped:
            signed = _names("".join(self.text(i) for i in el.signature_lines))
        elif el.format != "order":
            for i in el.signature_lines:
                glued = el.signature and el.date and i == el.date.line  # 署名 and 成文日期 on one line
                part = el.signature and i == el.signature.line and el.signature.text != self.text(i)  # the line's end
                signed += _names(el.signature.text if glued or part else self.text(i))
        if el.format == "order":
            el.issuers = marks
        elif el.format == "minutes":
            el.issuers = signed or marks
        else:
            el.issuers = marks if len(marks) > len(signed) else (signed or marks)
        head = ""
        if el.title and el.format != "order":
            split = re.search(r"关于|转发|印发", el.title.text)
            head = el.title.text[:split.start()].strip() if split else ""
            head = head if 2 <= len(head) <= 40 and ORGAN.search(head) else ""
        if not el.issuers and "issuer" in self.meta and len(self.meta["issuer"].text) >= len(head):
            el.issuers = [self.meta["issuer"].text]  # a brief's header, a page's 发文机关 cell: unless the title's is fuller
        if not el.issuers and head:
            # no mark and no signature (a web page's copy): the issuer the title names ("国务院关于…"); the document's
            # own full name over a page table's short form ("盘锦市政府")
            el.issuers = _names(head)
        if not el.issuers:
            organ = self._site_organ_line()
            if organ:
                el.issuers = [REGION_PREFIX.sub("", organ)]
                el.guessed.add("issuer")  # extractors/readings.py: a guess, not a 版头 or a 署名
        if not el.issuers and "publisher" in self.meta and el.format != "order":
            el.issuers = [self.meta["publisher"].text]  # the page's 发布机构, where nothing else names the issuer

    def _site_organ_line(self) -> Optional[str]:
        """A law site's organ line over the document (标题 / "吉林省白山市人民政府" / 标题 again): an organ's name alone
        on a line of the head, the title or a 发文字号 right under it. The site prefixes a city's organ with its region
        (REGION_PREFIX), which the document's own name does not carry. None where there is no such line."""
        el = self.el
        end = el.body_lines[0] if el.body_lines else self.n
        title = re.sub(r"\s", "", el.title.text) if el.title else ""
        for j in range(0, min(end, self.n - 1)):
            t = re.sub(r"\s", "", self.text(j))
            if not (3 <= len(t) <= 40 and re.fullmatch(r"[\u4e00-\u9fff、]+", t) and ORGAN.search(t)) \
                    or t.startswith(("各", "全")) or el.addressee and j == el.addressee.line or doc_type_of(t):
                continue
            after = re.sub(r"\s", "", self.text(j + 1))
            before = re.sub(r"\s", "", self.text(j - 1)) if j else ""
            if len(after) >= 6 and after == before:
                return t  # the site prints the document's (or its rules') name above and under its organ line
            if title and (after == title or after in title and len(after) >= 8 or title in after) \
                    or DOC_NUMBER.search(after) and len(after) < 40 or ORDER_MARK_NUMBER.match(after):
                return t
        return None

    # 结构层次 ---------------------------------------------------------------------------------
    def _headings(self) -> None:
        el = self.el
        for i in el.body_lines:
            if i not in el.paragraph_starts:
                continue
            text = self.text(i)
            for level, pattern in HEADINGS:
                m = pattern.match(text)
                if m:
                    el.headings.append(Heading(level=level, label=m.group("label"), number=chinese_number(m.group("n")) or 0,
                                               line=i, page=el.pages_of[i]))
                    break

    def _phrases(self) -> None:
        """spaCy marks the phrases the drafting rules look for; each is mapped back to its line."""
        el = self.el
        offsets, text = [], ""
        for i in range(self.n):
            offsets.append(len(text))
            text += el.norm[i] + "\n"
        for label, phrase, start in nlp.phrases(text):
            el.phrases.append((label, phrase, bisect.bisect_right(offsets, start) - 1))


def parse_elements(document: Document) -> Elements:
    """Find the 公文 elements of a document read into the layout model (any format: docx, PDF, OCR, text).

    Returns an `Elements`; never raises on odd input (missing elements are None or empty). Where the text carries no
    密级, page 1's 版头 pictures are read for one (extractors/image_marks.py). Each element's
    `Elements.readings[name]` says how it was found and how sure the reading is (extractors/readings.py).
    """
    from .readings import readings_of

    elements = _Parser(document).parse()
    read_image_mark(document, elements)
    elements.readings = readings_of(elements, document)
    return elements
