"""Hostile files and hostile names: every reader fault is a Chinese reason with exit 2, every text encoding an
office uses is read, and nothing a sender chose (a file name, a text) reaches the clerk's terminal raw."""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from extractors import UnusableInput, extract
from extractors.elements import parse_elements
from pipelines import cli
from pipelines.terminal import shown, shown_text

from .. import builder

ROOT = Path(__file__).resolve().parents[2]
CJK = lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731
NOTICE = builder.conformant_notice()
TITLE = NOTICE.title  # written by hand in tests/builder.py from the standard's example layout


def _cli(*args, cwd=ROOT, timeout=300, env=None):
    """The real command, as bytes (names that are not UTF-8 pass through argv as bytes)."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, timeout=timeout,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _assert_safe(output: bytes) -> str:
    """Valid UTF-8, and no control character but newline and tab, no bidi override, no escape."""
    text = output.decode("utf-8")  # raises if not valid UTF-8
    bad = [ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or 0x7f <= ord(ch) <= 0x9f
           or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]
    assert not bad, (bad, text[-2000:])
    return text


@pytest.fixture(scope="module")
def good_docx(tmp_path_factory) -> Path:
    return builder.write_docx(NOTICE, tmp_path_factory.mktemp("robust") / "good.docx")


# --- hostile files: built here, each a real file a reader once crashed on ------------------------------------

def crc_broken_docx(good: Path, target: Path, member: str = "word/_rels/document.xml.rels") -> Path:
    """`member` stored uncompressed, then one byte of it changed: the member fails its CRC-32."""
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename),
                          zipfile.ZIP_STORED if info.filename == member else zipfile.ZIP_DEFLATED)
        stored = zin.read(member)
    data = bytearray(target.read_bytes())
    middle = next(i for i in range(len(stored) // 2, len(stored)) if chr(stored[i]).isalpha())
    data[data.index(stored) + middle] ^= 0x20  # one letter's case changed: not the bytes the CRC was taken of
    target.write_bytes(bytes(data))
    return target


def _zipcrypto(plain: bytes, password: bytes, crc: int) -> bytes:
    """PKWARE traditional encryption (APPNOTE 6.1): a 12-byte header, then every byte XORed with the key stream."""
    def step(value: int, byte: int) -> int:  # one CRC-32 table step, without zlib's pre- and post-inversion
        return zlib.crc32(bytes([byte]), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(byte: int) -> None:
        keys[0] = step(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = step(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    out = bytearray()
    for byte in bytes(range(7, 18)) + bytes([crc >> 24]) + plain:
        temp = keys[2] | 2
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def zipcrypto_docx(good: Path, target: Path, encrypted: str = "word/document.xml") -> Path:
    """The docx written again by hand, one member encrypted with ZipCrypto (what `zip -e` and old tools make)."""
    local, central = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(good) as zin:
        members = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    for name, data in members:
        crc = zlib.crc32(data)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = packer.compress(data) + packer.flush()
        flags = 0
        if name == encrypted:
            body, flags = _zipcrypto(body, b"secret", crc), 0x1
        offset = local.tell()
        encoded = name.encode()
        local.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, 8, 0, 0x21, crc, len(body), len(data),
                                len(encoded), 0) + encoded + body)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, 8, 0, 0x21, crc, len(body),
                                  len(data), len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    directory = central.getvalue()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), local.tell(), 0)
    target.write_bytes(local.getvalue() + directory + end)
    with zipfile.ZipFile(target) as check:  # the cipher is right: the member opens with its password
        assert check.read(encrypted, pwd=b"secret") == dict(members)[encrypted]
    return target


def huge_text(target: Path, megabytes: int = 50) -> Path:
    """A real notice's text repeated to `megabytes` MB (UTF-8): far past spaCy's max_length of 1,000,000."""
    text = builder.to_text(NOTICE)
    body = text * (megabytes * 1048576 // len(text.encode()) + 1)
    target.write_bytes(body.encode()[: megabytes * 1048576].decode(errors="ignore").encode())
    return target


@pytest.mark.parametrize("kind,code,words", [("crc", "corrupt", "CRC"), ("zipcrypto", "encrypted", "加密"),
                                             ("50mb", "too-large", "超出处理上限")])
def test_hostile_files_end_in_a_chinese_reason_and_exit_2(kind, code, words, good_docx, tmp_path):
    path = {"crc": lambda: crc_broken_docx(good_docx, tmp_path / "crc.docx"),
            "zipcrypto": lambda: zipcrypto_docx(good_docx, tmp_path / "zipcrypto.docx"),
            "50mb": lambda: huge_text(tmp_path / "huge.txt")}[kind]()
    with pytest.raises(UnusableInput) as info:
        extract(path.read_bytes())
    assert info.value.code == code and words in info.value.reason and CJK(info.value.reason), info.value.reason
    result = _cli("validate", str(path))
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert words in stderr and "Traceback" not in stderr, stderr


def test_a_docx_whose_main_part_fails_its_crc_is_refused(good_docx, tmp_path):
    path = crc_broken_docx(good_docx, tmp_path / "crc-main.docx", member="word/document.xml")
    with pytest.raises(UnusableInput) as info:
        extract(path.read_bytes())
    assert info.value.code == "corrupt" and "损坏" in info.value.reason


def test_a_docx_with_an_encrypted_styles_part_is_refused_too(good_docx, tmp_path):
    path = zipcrypto_docx(good_docx, tmp_path / "styles.docx", encrypted="word/styles.xml")
    with pytest.raises(UnusableInput) as info:
        extract(path.read_bytes())
    assert info.value.code == "encrypted"


def test_a_fault_in_a_reader_is_a_reason_and_the_traceback_is_kept_for_debug(monkeypatch, tmp_path, capsys, caplog):
    """Stand-in for a programming error of ours: the text reader made to raise TypeError."""
    import extractors.text_reader as text_reader

    def broken(data):
        raise TypeError("stand-in bug")

    monkeypatch.setattr(text_reader, "read_text", broken)
    path = builder.write_text(NOTICE, tmp_path / "notice.txt")
    with caplog.at_level("WARNING", logger="shouwen.extract"):
        with pytest.raises(UnusableInput) as info:
            extract(path.read_bytes())
    # the clerk's reason Chinese only (review, desk27); the exception named in its detail and the log
    assert CJK(info.value.reason) and "TypeError" not in info.value.reason
    assert info.value.detail == "TypeError: stand-in bug"
    assert any(r.exc_info and "stand-in bug" in str(r.exc_info[1]) for r in caplog.records)
    assert cli.main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert cli.main(["validate", "--debug", str(path)]) == 2
    assert "stand-in bug" in capsys.readouterr().err  # the detail, for whoever debugs


def test_a_fault_of_ours_after_reading_exits_2_not_1(monkeypatch, tmp_path, capsys):
    """Stand-in for a programming error in the rules: exit 1 would tell every script "returned" (退文)."""
    import pipelines.review as review

    monkeypatch.setattr(review, "validate", lambda *a, **k: 1 / 0)
    path = builder.write_text(NOTICE, tmp_path / "notice.txt")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err


# --- texts in every encoding an office's tools write ------------------------------------------------------

@pytest.mark.parametrize("encoding,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("utf-8", b"")])
def test_texts_in_utf16_utf8_bom_and_gb18030_are_read(encoding, bom, tmp_path):
    text = builder.to_text(NOTICE).replace("\n", "\r\n")  # Notepad writes CR LF
    path = tmp_path / "notice.txt"
    path.write_bytes(bom + text.encode(encoding))
    document = extract(path.read_bytes())
    elements = parse_elements(document)
    assert document.format == "txt"
    assert elements.title.text == TITLE
    assert "\ufeff" not in document.text()


def test_a_text_with_terminal_escapes_is_read_without_them(tmp_path):
    lines = builder.to_text(NOTICE).split("\n")
    lines[0] = "\x1b[1;31m" + lines[0] + "\x1b[0m"  # the issuer mark coloured red for a terminal
    lines.insert(1, "\x1b]0;已签收\x07\x1b[2J")  # set the window title, clear the screen
    path = tmp_path / "coloured.txt"
    path.write_bytes("\n".join(lines).encode())
    document = extract(path.read_bytes())
    assert "\x1b" not in document.text() and "\x07" not in document.text()
    assert parse_elements(document).title.text == TITLE
    assert any("控制字符" in note for note in document.notes)
    result = _cli("validate", str(path))
    assert result.returncode in (0, 1), result.stderr.decode()
    _assert_safe(result.stdout + result.stderr)


def test_a_text_longer_than_spacys_limit_is_checked_in_chunks(tmp_path):
    """1.2 million characters (spaCy refuses a Doc over 1,000,000) under the 超出处理上限 bound: a report."""
    spec = builder.conformant_notice(body=NOTICE.body + ["各单位要加强值班值守，确保信息畅通。" * 40] * 1700)
    path = builder.write_text(spec, tmp_path / "long.txt")
    assert len(path.read_text(encoding="utf-8")) > 1_000_000
    result = _cli("validate", "--format", "json", str(path))
    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    assert json.loads(result.stdout)["document"]["title"] == TITLE


def test_binary_noise_with_an_escape_byte_is_still_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(1, 256)) * 40)
    with pytest.raises(UnusableInput):
        extract(path.read_bytes())


# --- names: one helper, used wherever output reaches a person ---------------------------------------------

def test_shown_makes_every_hazard_visible():
    assert shown("a\nb.txt") == "a\\nb.txt"
    assert shown("\x1b[31m红.txt") == "\\x1b[31m红.txt"
    assert shown("x\u202etxt.exe") == "x\\u202etxt.exe"
    assert shown("公文".encode("gbk") + b".txt") == "公文.txt"  # a GBK name from a Windows share
    assert shown(b"\xff\xfe.txt") == "\\xff\\xfe.txt"  # neither UTF-8 nor GB18030: escaped
    assert shown(Path(os.fsdecode("公文通知".encode("gbk")))) == "公文通知"  # read by Python with surrogateescape
    assert shown("\x9b31m") == "\\x9b31m"  # the one-byte CSI
    assert shown_text("第一行\n第二行\x1b[2J") == "第一行\n第二行\\x1b[2J"


HOSTILE_NAMES = ["forged\n[9] 收〔2026〕9号 FAKE-LINE：已入检索.txt".encode(),  # a fake progress line
                 b"\x1b[31mred\x1b]0;title\x07.txt", "rlo\u202etxt.exe".encode(), "冬季通知".encode("gbk") + b".txt"]


def _named_copies(folder: Path, names=HOSTILE_NAMES) -> list[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    text = builder.to_text(NOTICE).encode()
    paths = []
    for i, name in enumerate(names):
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as fh:
            fh.write(text + b"\n" * i)  # each file its own content: not taken in as a duplicate of another
        paths.append(path)
    return paths


@pytest.mark.parametrize("command", [("validate",), ("validate", "--format", "json"), ("extract",),
                                     ("extract", "--format", "json")])
def test_hostile_names_reach_the_terminal_escaped(command, tmp_path):
    paths = _named_copies(tmp_path / "in")
    missing = os.path.join(os.fsencode(tmp_path), b"gone\n\x1b[32m.txt")
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", *command, *paths, missing], capture_output=True,
                            cwd=ROOT, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2  # the missing one
    text = _assert_safe(result.stdout + result.stderr)
    assert "\n[9] 收" not in text  # no forged line
    if "json" in command:  # the names as a JSON reader sees them
        files = [json.loads(line)["file"] for line in result.stdout.decode().splitlines()]
        # validate refuses rlo…txt.exe on stderr (an .exe is a type not taken, whatever it holds); extract reads it
        assert len(files) == (3 if command[0] == "validate" else 4)
        text = "\n".join(files) + result.stderr.decode()
    assert "冬季通知.txt" in text  # the GBK name decoded, not dropped
    assert "\\x1b[31mred" in text and "rlo\\u202etxt.exe" in text and "gone\\n\\x1b[32m.txt" in text
    assert "forged\\n[9] 收〔2026〕9号 FAKE-LINE" in text


def test_the_batch_shows_names_escaped_in_progress_ledger_and_quarantine(tmp_path):
    root = tmp_path / "office"
    names = HOSTILE_NAMES[:3]  # valid UTF-8 names: the inbox's handling of GBK names is intake's own work
    _named_copies(root / "inbox" / "edoc", names)
    bad = os.path.join(os.fsencode(root / "inbox" / "edoc"), b"cut\n\x1b[31m.docx")
    with open(bad, "wb") as fh:
        fh.write(b"PK\x03\x04" + b"\x17" * 500)
    run = _cli("run", "--root", str(root), timeout=900, env={"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": "",
                                                            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"})
    text = _assert_safe(run.stdout + run.stderr)
    assert run.returncode == 0, text[-3000:]
    assert "\n[9] 收" not in text and "forged\\n[9] 收" in text and "\\x1b[31mred" in text and "rlo\\u202etxt.exe" in text
    assert "cut\\n\\x1b[31m.docx" in text
    ledger = _cli("ledger", "--root", str(root))
    _assert_safe(ledger.stdout + ledger.stderr)
    assert ledger.returncode == 0
    reasons = [_assert_safe(p.read_bytes()) for p in (root / "quarantine").glob("*.原因.txt")]
    assert len(reasons) == 2  # the cut docx, and rlo…txt.exe (an .exe is a type not taken, whatever it holds)
    assert any("cut\\n\\x1b[31m.docx" in reason and CJK(reason) for reason in reasons), reasons
    assert any("rlo\\u202etxt.exe" in reason and "不受理的文件类型" in reason for reason in reasons), reasons


def test_the_return_notice_names_a_hostile_file_and_title_escaped(tmp_path):
    """A PDF's text layer can carry control characters in its title; a Word file cannot hold them at all
    (python-docx refuses), so the 退文通知单 must show them escaped, and the sender's name readable."""
    import docx

    from pipelines.returns import write_return
    from pipelines.review import review_bytes

    spec = builder.conformant_notice(doc_number="示教发〔2026〕05号")  # a leading zero: an error, so a return
    report = review_bytes(builder.to_text(spec).encode(), os.fsdecode(b"\xb9\xab\xce\xc4\n\x1b[31m.txt"))
    assert report["verdict"] == "return"
    report["document"]["title"] = None  # the notice then names the file
    path = write_return(tmp_path / "outbox", "收〔2026〕7号", "2026-03-02T09:00:00", report)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "《公文\\n\\x1b[31m.txt》" in text
    report["document"]["title"] = "关于\x1b]0;x\x07加强\u202e管理的通知"
    path = write_return(tmp_path / "outbox", "收〔2026〕8号", "2026-03-02T09:00:00", report)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "《关于\\x1b]0;x\\x07加强\\u202e管理的通知》" in text
