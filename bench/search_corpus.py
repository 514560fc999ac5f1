"""A corpus of realistic 公文 for the search benchmark, and a relevance set planted in it (检索质量题库).

Documents (1,000–3,000 characters) are built from the seed procedures (/work/shared/seed, else the bundled
sample texts): their clauses, re-combined, with the office's vocabulary (issuers, places, work topics, 文种)
put in, so frequent words (工作, 政府, 通知, 市) are as frequent as in real mail. Deterministic for a seed.

The relevance set: QUESTIONS subjects, each planted in 3–5 documents that answer it (subject in the title
and discussed in the text), while the subject's words are scattered over many other documents that do not
answer it (one word here, another there, the subject's words apart). Which documents answer is known by
construction, not from any search. Also 发文字号 questions (whole and partial) with their single answer.
"""
from __future__ import annotations

import glob
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISSUERS = ["贵阳市教育局", "贵阳市卫生健康局", "贵阳市财政局", "贵阳市交通运输局", "贵阳市生态环境局", "贵阳市民政局",
           "贵阳市人力资源和社会保障局", "贵阳市住房和城乡建设局", "贵阳市应急管理局", "贵阳市农业农村局",
           "南明区人民政府", "云岩区人民政府", "花溪区人民政府", "乌当区人民政府", "白云区人民政府", "清镇市人民政府"]
CODES = ["筑教发", "筑卫健发", "筑财预", "筑交通发", "筑环发", "筑民发", "筑人社发", "筑建发", "筑应急发", "筑农发",
         "南府发", "云府发", "花府发", "乌府发", "白府发", "清府发"]
PLACES = ["南明区", "云岩区", "花溪区", "乌当区", "白云区", "观山湖区", "清镇市", "修文县", "息烽县", "开阳县",
          "青岩镇", "久安乡", "百花湖乡", "朱昌镇", "金华镇", "麦架镇", "沙文镇", "龙场镇", "六屯镇", "永温镇"]
TOPICS = ["校舍维修", "安全生产检查", "防汛抗旱", "疫情防控", "招商引资", "乡村振兴", "营商环境", "城市更新",
          "养老服务", "托育服务", "就业创业", "生态环境保护", "农村公路养护", "老旧小区改造", "食品安全",
          "森林防火", "地质灾害防治", "义务教育", "医疗保障", "最低生活保障", "危房改造", "饮用水源保护",
          "河长制", "垃圾分类", "消防安全", "燃气安全", "校园安全", "高标准农田建设", "冬季供暖", "征兵工作"]
ACTIONS = ["工作", "专项资金", "实施方案", "情况", "检查结果", "有关事项", "工作安排", "经费预算"]
DOC_TYPES = ["通知", "请示", "报告", "函", "意见", "批复"]
DEPARTMENTS = ["办公室", "文秘科", "综合科", "信访局", "值班室", "督查室", "法制科"]
CHANNELS = ["edoc", "fax", "scan", "mail"]
# the planted subjects: (specific subject, a place) — specific enough that few documents answer
SUBJECTS = ["中心小学教学楼加固", "人民医院发热门诊改造", "小河水库除险加固", "城区污水管网改造", "农贸市场提升改造",
            "公共租赁住房分配", "残疾人两项补贴发放", "退役军人优抚对象慰问", "第三次全国土壤普查", "耕地撂荒整治",
            "中小学课后服务", "职业技能提升培训", "电动自行车停放充电", "高层建筑消防隐患排查", "长江十年禁渔",
            "秸秆综合利用", "城乡居民医保缴费", "独居老人探访关爱", "农村集体经济组织", "住房公积金提取",
            "校外培训机构治理", "政务服务一网通办", "烟花爆竹禁放", "汛期值班值守", "地下管线普查",
            "背街小巷整治", "智慧停车平台建设", "学校食堂食品安全", "林业有害生物防治", "大气污染防治攻坚",
            "农民工工资支付", "市场主体倍增", "文物安全巡查", "旅游景区安全", "建筑垃圾资源化利用",
            "城市内涝治理", "疫苗接种工作", "特殊困难群体帮扶", "人口普查数据", "粮食收购资金",
            "村级公益事业一事一议", "重点项目审批", "科技型中小企业评价", "全民健身设施", "公共图书馆免费开放",
            "饮水安全巩固提升", "城市书房建设", "电梯安全监管", "排水防涝设施", "农村改厕"]

# the hard cases (难题): (来文单位 index, place, subject, a sibling subject sharing words with it). Each case is
# planted in four documents that answer it (that issuer, that place, the subject in the title and text), three
# near-duplicates (the same subject from other issuers at other places, the case's issuer only in a 抄送 line)
# and two siblings (the same issuer and place, the sibling subject): see Corpus.case_questions.
CASES = [(0, "南明区", "第一中学宿舍楼加固", "第一中学食堂改造"), (1, "云岩区", "妇幼保健院产科病房改造", "妇幼保健院儿科门诊扩建"),
         (2, "花溪区", "红岩水库除险加固", "红岩水库移民安置"), (3, "乌当区", "城区雨污分流改造", "城区供水管网改造"),
         (4, "白云区", "臭氧污染防治攻坚", "水污染防治攻坚"), (5, "观山湖区", "困难残疾人生活补贴发放", "残疾人康复补贴发放"),
         (6, "清镇市", "家政服务技能培训", "职业技能等级认定"), (7, "修文县", "老旧小区燃气管道更新", "老旧小区加装电梯"),
         (8, "息烽县", "森林火灾隐患排查", "森林资源督查整改"), (9, "开阳县", "高标准农田建设验收", "高标准农田建后管护"),
         (10, "南明区", "背街小巷路灯改造", "背街小巷环境整治"), (11, "云岩区", "老旧住宅楼排危", "老旧住宅楼外立面改造"),
         (12, "花溪区", "学校周边交通安全", "学校周边食品安全"), (13, "乌当区", "地质灾害隐患点搬迁", "地质灾害隐患点监测"),
         (14, "白云区", "农村饮水工程维修养护", "农村公路危桥改造"), (15, "清镇市", "应急避难场所建设", "应急物资储备库建设"),
         (0, "息烽县", "义务教育薄弱学校改造", "义务教育学校课后服务"), (1, "开阳县", "乡镇卫生院标准化建设", "乡镇卫生院人才招聘"),
         (3, "修文县", "农村客运班线补贴", "农村客运站点建设"), (9, "观山湖区", "生猪稳产保供", "生猪养殖污染治理")]
CASE_RELEVANT, CASE_NEAR, CASE_SIBLINGS = 4, 3, 2
MISREMEMBERED = {"加固": "维修", "改造": "建设", "攻坚": "治理", "发放": "管理", "培训": "工作", "排危": "整治",
                 "安全": "管理", "搬迁": "治理", "养护": "管理", "建设": "改造", "补贴": "资金", "保供": "工作"}
DISTRACTING = SUBJECTS + [c[2] for c in CASES] + [c[3] for c in CASES]  # their halves scattered over the corpus


def short_issuer(issuer: str) -> str:
    """What a clerk types for a 来文单位: 贵阳市教育局 → 教育局 (南明区人民政府 stays whole)."""
    return issuer.replace("贵阳市", "")


FALLBACK_SEED = [ROOT / "samples"]


def seed_clauses() -> list[str]:
    """Clauses of the seed procedures (。；,， split), 8–120 characters each."""
    texts = [Path(p).read_text(encoding="utf-8", errors="ignore") for p in sorted(glob.glob("/work/shared/seed/*.txt"))]
    if not texts:
        texts = [p.read_text(encoding="utf-8", errors="ignore") for p in (ROOT / "samples").rglob("*.txt")]
    clauses = []
    for text in texts:
        text = re.sub(r"[•【】]", "", text)
        for c in re.split(r"(?<=[。；！？，,;])|\n+", text):
            c = c.strip()
            if 8 <= len(c) <= 120 and re.search(r"[\u4e00-\u9fff]{4}", c):
                clauses.append(c)
    return clauses


@dataclass
class Question:
    query: str
    relevant: list[int]  # document ids that answer it
    kind: str


@dataclass
class CorpusDoc:
    id: int
    title: str
    body: str
    fields: dict


class Corpus:
    """Documents 1..n (deterministic) with the relevance questions planted among them."""

    def __init__(self, n: int, seed: int = 7):
        self.n, self.seed = n, seed
        self.clauses = seed_clauses()
        rng = random.Random(seed)
        # planted answers: each subject in 3–5 documents spread over the corpus
        self.planted: dict[int, tuple[str, str]] = {}
        self.questions: list[Question] = []
        for subject in SUBJECTS:
            place = rng.choice(PLACES)
            ids = rng.sample(range(1, n + 1), rng.randint(3, 5))
            for i in ids:
                self.planted[i] = (subject, place)
            self.questions.append(Question(subject, sorted(ids), "subject"))
            self.questions.append(Question(f"{place} {subject[:4]}", sorted(ids), "two words"))
        for k in range(12):  # 发文字号 questions, whole and partial, with 〔〕 or []
            i = rng.randrange(1, n + 1)
            number = self.number(i)
            q = number if k % 3 == 0 else number.replace("〔", "[").replace("〕", "]") if k % 3 == 1 else number[:-1]
            self.questions.append(Question(q, [i], "发文字号"))
        self.hard: list[Question] = []  # the harder set (drawn after the set above, which stays as it was)
        self.cases: dict[int, tuple[str, int]] = {}  # id → (role: answer/near/sibling, case index)
        taken = set(self.planted) | {q.relevant[0] for q in self.questions if q.kind == "发文字号"}
        for c in range(len(CASES)):
            ids = rng.sample([i for i in rng.sample(range(1, n + 1), 40) if i not in taken],
                             CASE_RELEVANT + CASE_NEAR + CASE_SIBLINGS)
            taken.update(ids)
            for role, group in (("answer", ids[:CASE_RELEVANT]), ("near", ids[CASE_RELEVANT:CASE_RELEVANT + CASE_NEAR]),
                                ("sibling", ids[CASE_RELEVANT + CASE_NEAR:])):
                for i in group:
                    self.cases[i] = (role, c)
        for c, (k, place, subject, _) in enumerate(CASES):
            answers = sorted(i for i, (role, cc) in self.cases.items() if cc == c and role == "answer")
            issuer, half = short_issuer(ISSUERS[k]), len(subject) // 2
            # 来文单位 + topic: the near-duplicates hold the subject too, and the issuer in their 抄送 line
            self.hard.append(Question(f"{issuer} {subject}", answers, "来文单位+主题"))
            # typed without a space, cut in the middle of words: jieba splits it unlike the text
            self.hard.append(Question(f"{place}{subject[:-1]}", answers, "词切分不同"))
            # a title remembered loosely: the subject's halves apart, out of order, with the place
            self.hard.append(Question(f"{subject[half:]} {place} {subject[:half]}", answers, "标题记不全"))
            # the last word misremembered (加固 for 维修 …): no document holds the query as typed
            self.hard.append(Question(f"{place}{subject[:-2]}{MISREMEMBERED.get(subject[-2:], '工作')}", answers, "记错一个词"))
            if ISSUERS[k].endswith("人民政府"):  # 南明区政府 for 南明区人民政府, as clerks say it
                self.hard.append(Question(f"{ISSUERS[k].replace('人民政府', '政府')} {subject}", answers, "单位简称"))
        for k in range(10):  # 发文字号 without the issuer's code, or the code and the number apart
            i = rng.randrange(1, n + 1)
            number = self.number(i)
            code, rest = number.split("〔")
            q = "〔" + rest if k % 2 == 0 else f"{code} {rest.split('〕')[1]}"
            self.hard.append(Question(q, [i], "发文字号不全"))

    def _issuer(self, i: int, rng: random.Random) -> int:
        k = rng.randrange(len(ISSUERS))
        case = self.cases.get(i) if hasattr(self, "cases") else None
        if case:  # a hard case's answers and siblings come from its issuer, its near-duplicates from another
            home = CASES[case[1]][0]
            k = home if case[0] != "near" else (home + 1 + k % (len(ISSUERS) - 1)) % len(ISSUERS)
        return k

    def number(self, i: int) -> str:
        rng = random.Random(self.seed * 1_000_003 + i)
        k = self._issuer(i, rng)
        return f"{CODES[k]}〔{2016 + i % 10}〕{i}号"

    @property
    def all_questions(self) -> list[Question]:
        return self.questions + self.hard

    def doc(self, i: int) -> CorpusDoc:
        rng = random.Random(self.seed * 1_000_003 + i)
        k = self._issuer(i, rng)
        issuer, place, topic = ISSUERS[k], rng.choice(PLACES), rng.choice(TOPICS)
        doc_type, action = rng.choice(DOC_TYPES), rng.choice(ACTIONS)
        title = f"{issuer}关于{place}{topic}{action}的{doc_type}"
        lines = [f"{self.number(i)}", f"{rng.choice(DEPARTMENTS)}：",
                 f"为做好{place}{topic}{action}，根据上级有关文件精神，现将有关事项{doc_type}如下。"]
        planted = self.planted.get(i)
        case = self.cases.get(i)
        if case:
            role, c = case
            home, where, subject, sibling = CASES[c]
            if role == "near":  # the same subject elsewhere, from another issuer, copied to the case's issuer
                where = rng.choice([p for p in PLACES if p != where])
            what = sibling if role == "sibling" else subject
            title = f"{issuer}关于{where}{what}{action}的{doc_type}"
            lines.append(f"{where}{what}是今年的重点任务，各单位要把{what}放在突出位置。")
            if role == "near":
                lines.append(f"抄送：{ISSUERS[home]}。")
            planted = (what, where)
        elif planted:
            subject, where = planted
            title = f"{issuer}关于{where}{subject}{action}的{doc_type}"
            lines.append(f"{where}{subject}是今年的重点任务，各单位要把{subject}放在突出位置。")
        else:
            # distractors: a planted subject's words, apart, in ordinary documents
            subject = rng.choice(DISTRACTING)
            if rng.random() < 0.3:
                half = len(subject) // 2
                lines.append(f"关于{subject[:half]}的问题，另行研究；{rng.choice(PLACES)}的{subject[half:]}按原计划推进。")
        target = rng.randint(1000, 3000)
        size = sum(len(x) for x in lines)
        while size < target:
            c = rng.choice(self.clauses)
            if rng.random() < 0.15:
                c = f"{rng.choice(PLACES)}要抓好{rng.choice(TOPICS)}工作，" + c
            if planted and rng.random() < 0.05:
                c = f"{planted[0]}" + c
            lines.append(c)
            size += len(c)
        date = f"{2016 + i % 10}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines.append(f"{issuer}\n{date[:4]}年{int(date[5:7])}月{int(date[8:])}日")
        fields = {"number": f"收〔{date[:4]}〕{i}号", "issuer": issuer, "doc_type": doc_type,
                  "department": rng.choice(DEPARTMENTS), "channel": rng.choice(CHANNELS), "verdict": "accept",
                  "status": "indexed", "date": date, "received_at": f"{date}T09:00:00"}
        urgency = random.Random(i * 7919 + 13).random()  # its own draw: the text above stays as it was
        if urgency < 0.1:
            fields["urgency"] = "特急" if urgency < 0.02 else "加急"
        if i % 50 == 0:  # a 退文 now and then: searchable, with its status
            fields["status"], fields["verdict"] = "returned", "return"
        return CorpusDoc(i, title, "\n".join(lines), fields)

    def docs(self):
        for i in range(1, self.n + 1):
            yield self.doc(i)


def latency_queries(n: int = 200, seed: int = 11) -> list[tuple[str, dict]]:
    """What staff type, with the filters they set: frequent words, topics, one character, phrases, places,
    several words, 发文字号 parts, with a 文种 or date filter now and then."""
    rng = random.Random(seed)
    frequent = ["工作", "政府", "通知", "市", "人民政府", "办公室", "管理", "建设", "安全", "服务"]
    out = []
    for k in range(n):
        kind = k % 8
        if kind == 0:
            q = rng.choice(frequent)
        elif kind == 1:
            q = rng.choice(TOPICS)
        elif kind == 2:
            q = rng.choice("市区县局镇乡水电路")
        elif kind == 3:
            q = f'"{rng.choice(PLACES)}{rng.choice(TOPICS)}"'
        elif kind == 4:
            q = f"{rng.choice(PLACES)} {rng.choice(TOPICS)} {rng.choice(ACTIONS)}"
        elif kind == 5:
            q = f"{rng.choice(CODES)}〔{rng.randint(2016, 2025)}〕"
        elif kind == 6:
            q = rng.choice(SUBJECTS)
        else:
            q = rng.choice(TOPICS)[:2] + "/" + rng.choice(TOPICS)[2:4]
        filters = {}
        if k % 5 == 0:
            filters["doc_type"] = rng.choice(DOC_TYPES)
        if k % 7 == 0:
            filters["date_from"] = f"{rng.randint(2016, 2024)}-01-01"
        out.append((q, filters))
    return out
