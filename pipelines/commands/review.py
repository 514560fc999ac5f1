"""`shouwen validate`, `extract`, `rules`: 初审 and reading of files outside the office (no data root)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import EXIT_ACCEPTED, EXIT_RETURNED, EXIT_REVIEW_HELD, EXIT_UNUSABLE, Command

CHANNELS = ("edoc", "fax", "scan", "mail", "unknown")


def _shipped_profiles() -> list[str]:
    """The profiles validators/ ships (validators.available_profiles), found without importing validators:
    importing it loads the language model, which building the parser must not."""
    import importlib.util

    spec = importlib.util.find_spec("validators")
    folder = Path(next(iter(spec.submodule_search_locations))) / "profiles"
    return sorted(p.stem for p in folder.glob("*.toml"))


def _validate_arguments(v) -> None:
    v.add_argument("files", nargs="+", metavar="FILE", help="公文文件（docx、PDF、文本…） / document files")
    v.add_argument("--profile", default=None,  # validators.DEFAULT_PROFILE, when the command runs
                   help=f"审核配置名称或 TOML 文件路径（可用：{'、'.join(_shipped_profiles())}） / profile name or file")
    v.add_argument("--format", choices=("text", "json"), default="text",
                   help="text：中文审核意见；json：每个文件一行 JSON / text report or JSON Lines")
    v.add_argument("--channel", choices=CHANNELS, default="unknown", help="来文渠道 / channel the document arrived through")
    v.add_argument("--debug", action="store_true", help="出错时显示程序详细信息（调用栈） / show tracebacks of faults")


def _validate(args) -> int:
    from validators import DEFAULT_PROFILE

    from .. import desk
    from ..terminal import shown, shown_text

    args.profile = args.profile or DEFAULT_PROFILE
    unusable = returned = held = 0
    for i, done in enumerate(desk.validate(args.files, profile=args.profile, channel=args.channel)):
        if done.unusable is not None:
            unusable += 1
            print(shown(f"{done.file}: 无法处理：{done.unusable}"), file=sys.stderr)
            continue
        if done.error is not None:  # a fault of ours while checking this file: said, the others go on
            if args.debug or os.environ.get("SHOUWEN_DEBUG"):
                import traceback
                traceback.print_exception(done.error)
            unusable += 1
            print(shown(f"{done.file}: 无法处理：初审时程序内部错误（{type(done.error).__name__}），请联系系统管理员"),
                  file=sys.stderr)
            continue
        returned += done.returned
        held += done.held
        if args.format == "json":
            print(json.dumps(done.report, ensure_ascii=False), flush=True)
        else:
            if i:
                print()
            from validators.report import render_text
            print(shown_text(render_text(done.report)), flush=True)
    if args.format == "text" and len(args.files) > 1:
        accepted = len(args.files) - unusable - returned - held
        print(f"\n共 {len(args.files)} 件：通过 {accepted} 件，退文 {returned} 件，待复核 {held} 件，无法处理 {unusable} 件",
              file=sys.stderr)
    if unusable:
        return EXIT_UNUSABLE
    return EXIT_RETURNED if returned else (EXIT_REVIEW_HELD if held else EXIT_ACCEPTED)


VALIDATE = Command(
    "validate", "初审公文并输出审核意见 / pre-review documents",
    "初审公文：退出码 0 全部通过，1 有退文（理由确凿），2 有无法处理的文件或用法错误，\n"
    "3 有待复核（退文理由依据的识读存疑：未见某要素或识读把握不足，请文秘核对原件）。\n"
    "同时出现时取最重者：2 > 1 > 3 > 0。\n"
    "Pre-review: exit 0 all accepted, 1 any returned on sure findings, 2 unusable input or usage,\n"
    "3 any held for review (a return resting on an absence or a doubtful reading). 2 > 1 > 3 > 0.",
    _validate_arguments, _validate, root=False, action="validate")


def _extract_arguments(e) -> None:
    e.add_argument("files", nargs="+", metavar="FILE", help="文件 / files")
    e.add_argument("--format", choices=("text", "json"), default="text", help="text 或 json / text or json")
    e.add_argument("--render", nargs=2, metavar=("PAGE", "PNG"),
                   help="把 OFD 的第 PAGE 页画成 PNG 图片 / draw page PAGE of an OFD file to a PNG")
    e.add_argument("--debug", action="store_true", help="出错时显示程序详细信息（调用栈） / show tracebacks of faults")


def _extract(args) -> int:
    from extractors import UnusableInput, extract

    from ..terminal import shown

    if args.render:
        return _render(args)
    status = EXIT_ACCEPTED
    for name in args.files:
        try:
            document = extract(Path(name).read_bytes())
        except (UnusableInput, OSError) as exc:
            print(shown(f"{name}: 无法处理：{getattr(exc, 'reason', exc)}"), file=sys.stderr)
            status = EXIT_UNUSABLE
            continue
        if args.format == "json":
            print(json.dumps({"file": shown(name), **document.to_dict()}, ensure_ascii=False), flush=True)
        else:
            for page in document.pages:
                print(f"—— {shown(name)} 第 {page.number} 页 ——")
                for line in page.lines:
                    print(shown(line.text))
    return status


def _render(args) -> int:
    """`shouwen extract FILE --render PAGE out.png`: an OFD page drawn from what was read."""
    from extractors import UnusableInput, detect_format
    from extractors.ofd_reader import render_page

    try:
        data = Path(args.files[0]).read_bytes()
        if detect_format(data) != "ofd":
            print(f"{args.files[0]}: 只能渲染 OFD 文件（PDF 请用 pdftoppm）", file=sys.stderr)
            return EXIT_UNUSABLE
        out = render_page(data, int(args.render[0]), Path(args.render[1]))
    except (UnusableInput, OSError, ValueError, IndexError) as exc:
        print(f"{args.files[0]}: 无法渲染：{getattr(exc, 'reason', exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"已渲染第 {args.render[0]} 页：{out}")
    return EXIT_ACCEPTED


EXTRACT = Command(
    "extract", "显示读取到的文字或版面 / show what was read",
    "显示读取到的文字（阅读顺序）或版面模型（JSON）。\nShow the text or the layout model.",
    _extract_arguments, _extract, root=False)


def _rules_arguments(r) -> None:
    r.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="输出格式 / output format")


def _rules(args) -> int:
    from validators.catalog import render_catalog

    print(render_catalog(args.format))
    return EXIT_ACCEPTED


RULES = Command(
    "rules", "列出初审规则目录 / list the rule catalog",
    "列出全部初审规则（由规则本身生成）。\nList every rule, generated from the rules.",
    _rules_arguments, _rules, root=False)
