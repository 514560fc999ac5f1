"""分办模型: the spaCy classifier learns from rule decisions and clerk corrections, proposes with a confidence
for documents no rule covers, and never overrides a rule."""
from __future__ import annotations

import json

from index import open_index
from pipelines import router_model
from pipelines.ledger import SQLiteLedger
from pipelines.routing import load_rules, route

# Three kinds of work the office knows, each in its own words. 交通运输科 appears in no rule: the office
# taught it to the router by correcting routings.
WORK = {
    "信访局": ("关于{}群众来信反映问题的转办函", "群众来信反映{}小区供暖不热、物业收费不合理等问题，请依法依规调查处理并答复来信人。"),
    "值班室": ("关于{}暴雨洪涝灾害情况的紧急报告", "{}连降暴雨，多处道路积水，部分群众转移安置，防汛抢险工作正在进行。"),
    "交通运输科": ("关于{}农村公路养护工作的函", "{}农村公路路面破损，桥梁需要维修加固，请协调安排公路养护资金和养护队伍。"),
}
PLACES = ["南明区", "云岩区", "花溪区", "乌当区", "白云区", "观山湖区", "清镇市", "修文县", "息烽县", "开阳县"]


def _office(tmp_path, corrections: int = 6):
    """A data root whose ledger and index hold documents routed by rules, plus clerk corrections."""
    root = tmp_path / "office"
    root.mkdir()
    ledger, index = SQLiteLedger(root / "ledger.sqlite3"), open_index(root)
    n = 0
    for department, (title, body) in WORK.items():
        places = PLACES if department != "交通运输科" else PLACES[:corrections]
        for place in places:
            n += 1
            reg = ledger.register(sha256=f"{n:064d}", file=f"{n}.docx", channel="edoc", archive_path="x")
            source = "clerk" if department == "交通运输科" else "rule"
            ledger.set_status(reg.id, "indexed", "已入检索", department=department, route_source=source)
            index.add(reg.id, title=title.format(place), body=body.format(place), number=reg.number, department=department)
    # what must never be learned from: the model's own and the fallback's decisions
    for i, (department, source) in enumerate((("信访局", "model"), ("信访局", "fallback"))):
        reg = ledger.register(sha256=f"f{i:063d}", file="m.docx", channel="edoc", archive_path="x")
        ledger.set_status(reg.id, "indexed", "已入检索", department=department, route_source=source)
        index.add(reg.id, title="关于农村公路养护的函", body="农村公路养护资金。", department=department)
    ledger.close()
    index.close()
    return root


def test_only_rule_decisions_and_corrections_are_learned(tmp_path):
    root = _office(tmp_path)
    examples = router_model.training_examples(root / "ledger.sqlite3", open_index(root))
    assert len(examples) == 10 + 10 + 6
    assert {e.source for e in examples} == {"rule", "clerk"}
    assert not any(e.department == "信访局" and "公路" in e.text for e in examples)


def test_corrections_teach_a_department_no_rule_knows(tmp_path):
    root = _office(tmp_path)
    meta = router_model.learn(root, root / "ledger.sqlite3", open_index(root))
    assert meta and meta["corrections"] == 6 and set(meta["departments"]) == set(WORK)
    assert router_model.learn(root, root / "ledger.sqlite3", open_index(root)) is None, "nothing new: not retrained"
    model = router_model.load(root)
    document = {"title": "关于钟山区农村公路养护资金的函", "doc_type": "函", "urgency": None, "issuer": "六盘水市交通运输局"}
    body = "钟山区农村公路路面破损严重，桥梁亟需维修加固，请协调安排公路养护资金。"
    decision = route(document, body, "edoc", load_rules(), model=model)
    assert decision.department == "交通运输科" and decision.source == "model"
    assert decision.confidence >= router_model.THRESHOLD and "分办模型" in decision.reason
    # an explicit rule still decides, whatever the model would say: 特急 → 值班室
    urgent = route(document | {"urgency": "特急"}, body, "edoc", load_rules(), model=model)
    assert urgent.department == "值班室" and urgent.source == "rule"
    # and a classified document is never shown to the model
    assert route(document, body, "edoc", load_rules(), classified=True, model=model).source == "classified"


def test_an_unsure_proposal_goes_to_a_person_with_the_proposal_shown(tmp_path):
    root = _office(tmp_path)
    router_model.learn(root, root / "ledger.sqlite3", open_index(root))
    model = router_model.load(root)
    document = {"title": "关于举办书法作品展览的函", "doc_type": "函", "urgency": None, "issuer": "贵阳市文联"}
    decision = route(document, "兹定于下月举办书法作品展览，敬请光临指导。", "edoc", load_rules(), model=model)
    assert decision.confidence < router_model.THRESHOLD
    assert decision.department == "办公室" and decision.source == "fallback" and "分办模型建议" in decision.reason


def test_too_few_examples_train_no_model(tmp_path):
    root = tmp_path / "office"
    root.mkdir()
    ledger, index = SQLiteLedger(root / "ledger.sqlite3"), open_index(root)
    reg = ledger.register(sha256="a" * 64, file="a.docx", channel="edoc", archive_path="x")
    ledger.set_status(reg.id, "indexed", "已入检索", department="信访局", route_source="rule")
    index.add(reg.id, title="关于来信的函", body="群众来信。")
    assert router_model.learn(root, root / "ledger.sqlite3", open_index(root)) is None
    assert router_model.load(root) is None
    assert route({"title": "关于某事的函"}, "", "edoc", load_rules(), model=None).source == "fallback"


def test_the_model_is_written_whole_and_says_what_it_learned(tmp_path):
    root = _office(tmp_path)
    router_model.learn(root, root / "ledger.sqlite3", open_index(root))
    folder = root / router_model.MODEL_DIR
    meta = json.loads((folder / "shouwen.json").read_text(encoding="utf-8"))
    assert meta["examples"] == 26 and meta["threshold"] == router_model.THRESHOLD
    assert 0.0 <= meta["held_out_accuracy"] <= 1.0
    assert not folder.with_name(router_model.MODEL_DIR + ".new").exists()
    assert not folder.with_name(router_model.MODEL_DIR + ".old").exists()
