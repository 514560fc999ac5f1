"""Writes the sample messages of tests/data/mail/*.eml: 公文 sent the way Chinese mail clients really send them.

Each message's header lines are written out by hand in the shape its client uses (Outlook: GB2312
encoded words inside quotes; Foxmail: GBK words cut in the middle of a character; Coremail/163 and QQ
mail: UTF-8 words, an HTML body, inline signature images; Thunderbird: RFC 2231 continuations; an OA
system: raw 8-bit GBK names and subject; a forward as message/rfc822; a 公文 pasted into the body).
Only the encodings are computed here; the attached documents come from tests/builder.py. The right
values (names, subjects, senders, dates) are written by hand in tests/test_mail.py. The files are
committed; run this again only to remake them:

    /work/main/.venv/bin/python tests/data/mail/make_samples.py      (from the repository root)
"""
from __future__ import annotations

import base64
import quopri
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests import builder  # noqa: E402

HERE = Path(__file__).resolve().parent
NOTICE_NAME = "筑教发〔2026〕12号关于做好2026年冬季学校安全工作的通知.docx"
ANNEX_NAME = "附件1：学校安全隐患排查表.pdf"


def b64_lines(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def word(text: str | bytes, charset: str) -> str:
    data = text if isinstance(text, bytes) else text.encode(charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def split_words(text: str, charset: str, cut: int) -> tuple[str, str]:
    """Two encoded words cut after `cut` bytes: in the middle of a character when `cut` is odd (Foxmail)."""
    data = text.encode(charset)
    return word(data[:cut], charset), word(data[cut:], charset)


def pct(text: str, charset: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode(charset))


def qp(text: str, charset: str) -> str:
    return quopri.encodestring(text.replace("\n", "\r\n").encode(charset)).decode("ascii")


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def documents(tmp: Path) -> dict[str, bytes]:
    return {
        "notice": builder.write_docx(builder.conformant_notice(), tmp / "notice.docx").read_bytes(),
        "request_pdf": builder.write_named_font_pdf(builder.conformant_request(), tmp / "request.pdf", tmp / "f").read_bytes(),
        "annex_pdf": builder.write_named_font_pdf(
            builder.conformant_notice(title="学校安全隐患排查表", attachments=[], doc_number=None), tmp / "annex.pdf",
            tmp / "f").read_bytes(),
        "report_text": builder.to_text(builder.conformant_report()),
    }


def outlook(docs: dict) -> bytes:
    subject = "关于做好2026年冬季学校安全工作的通知（联系人：张珺）"  # 珺 is GBK, not GB2312: Outlook labels it gb2312
    plain = "市政府办公厅：\n\n现将《关于做好2026年冬季学校安全工作的通知》报送你们，请查收。\n\n贵阳市教育局办公室\n"
    html = "<html><body><p>市政府办公厅：</p><p>现将《关于做好2026年冬季学校安全工作的通知》报送你们，请查收。</p></body></html>"
    head = f"""Received: from mail.gyjy.gov.cn (unknown [10.12.3.4])
\tby mx.gy.gov.cn (Postfix) with ESMTP id 4F2A81C0
\tfor <swz@gy.gov.cn>; Fri, 20 Nov 2026 09:30:15 +0800 (CST)
From: "{word("贵阳市教育局办公室", "gb2312")}" <bgs@gyjy.gov.cn>
To: "{word("市政府办公厅收文室", "gb2312")}" <swz@gy.gov.cn>
Cc: <zhangjun@gyjy.gov.cn>
Subject: {word(subject.encode("gbk"), "gb2312")}
Date: Fri, 20 Nov 2026 09:30:12 +0800
Message-ID: <000001db3a5c$1f2e3d40$5d8cb7c0$@gyjy.gov.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="----=_NextPart_000_0001_01DB3A9F.2D5181C0"
X-Mailer: Microsoft Outlook 16.0
Thread-Index: AdtaXB8uPUCPgpV3T2uyBbRzqHr0Xg==
Content-Language: zh-cn

This is a multipart message in MIME format.

------=_NextPart_000_0001_01DB3A9F.2D5181C0
Content-Type: multipart/alternative;
\tboundary="----=_NextPart_001_0002_01DB3A9F.2D5181C0"


------=_NextPart_001_0002_01DB3A9F.2D5181C0
Content-Type: text/plain;
\tcharset="gb2312"
Content-Transfer-Encoding: base64

{b64_lines(plain.encode("gb2312"))}

------=_NextPart_001_0002_01DB3A9F.2D5181C0
Content-Type: text/html;
\tcharset="gb2312"
Content-Transfer-Encoding: quoted-printable

{qp(html, "gb2312")}
------=_NextPart_001_0002_01DB3A9F.2D5181C0--

------=_NextPart_000_0001_01DB3A9F.2D5181C0
Content-Type: application/pdf;
\tname="{word(ANNEX_NAME, "gb2312")}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="{word(ANNEX_NAME, "gb2312")}"

{b64_lines(docs["annex_pdf"])}

------=_NextPart_000_0001_01DB3A9F.2D5181C0
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;
\tname="{word(NOTICE_NAME, "gb2312")}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="{word(NOTICE_NAME, "gb2312")}"

{b64_lines(docs["notice"])}

------=_NextPart_000_0001_01DB3A9F.2D5181C0--
"""
    return crlf(head)


def foxmail(docs: dict) -> bytes:
    subject = "筑教呈〔2026〕5号关于申请校舍维修资金的请示"
    s1, s2 = split_words(subject, "gbk", 17)  # odd: the first word ends half-way through a character
    name = "筑教呈〔2026〕5号关于申请校舍维修资金的请示.pdf"
    n1, n2 = split_words(name, "gbk", 23)
    plain = "市政府：\n\n我局《关于申请校舍维修资金的请示》见附件，请审批。\n"
    html = "<div>市政府：</div><div><br></div><div>我局《关于申请校舍维修资金的请示》见附件，请审批。</div>"
    head = f"""Return-Path: <wangli@gyjy.gov.cn>
Date: Mon, 23 Nov 2026 15:04:33 +0800
From: "{word("王丽", "gbk")}" <wangli@gyjy.gov.cn>
To: "{word("市政府办公厅", "gbk")}" <swz@gy.gov.cn>
Subject: {s1}
 {s2}
X-Priority: 3
X-GUID: 3E2F8B1A-77C4-4F7B-9E0E-1A2B3C4D5E6F
X-Has-Attach: yes
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202611231504330418812@gyjy.gov.cn>
Content-Type: multipart/mixed;
\tboundary="----=_001_NextPart171658201458_=----"

This is a multi-part message in MIME format.

------=_001_NextPart171658201458_=----
Content-Type: multipart/alternative;
\tboundary="----=_002_NextPart486411823547_=----"


------=_002_NextPart486411823547_=----
Content-Type: text/plain;
\tcharset="GB2312"
Content-Transfer-Encoding: base64

{b64_lines(plain.encode("gb2312"))}

------=_002_NextPart486411823547_=----
Content-Type: text/html;
\tcharset="GB2312"
Content-Transfer-Encoding: base64

{b64_lines(html.encode("gb2312"))}

------=_002_NextPart486411823547_=------

------=_001_NextPart171658201458_=----
Content-Type: application/octet-stream;
\tname="{n1}
 {n2}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="{n1}
 {n2}"

{b64_lines(docs["request_pdf"])}

------=_001_NextPart171658201458_=------
"""
    return crlf(head)


def coremail(docs: dict) -> bytes:
    subject = "转发：贵阳市教育局关于做好2026年冬季学校安全工作的通知"
    html = ("<div style=\"line-height:1.7;color:#000000;font-size:14px;font-family:Arial\">"
            "<div>各位领导：</div><div>通知已上传，另有现场照片见下方超大附件。</div><div><br></div>"
            "<div>从网易163邮箱发来的超大附件</div>"
            "<div><a href=\"https://mail.163.com/large-attachment-download/index.html?p=X\">现场照片.zip (320M, 2026年12月7日 11:02 到期)</a></div>"
            "</div><br><br><span title=\"neteasefooter\"><p>&nbsp;</p></span>")
    plain = "各位领导：\n通知已上传，另有现场照片见下方超大附件。\n\n从网易163邮箱发来的超大附件\n现场照片.zip (320M, 2026年12月7日 11:02 到期)\n"
    head = f"""Received: from gyjy_bgs$163.com ( [117.187.20.5] ) by ajax-webmail-wmsvr40
 (Coremail) ; Tue, 24 Nov 2026 10:02:47 +0800 (CST)
X-Originating-IP: [117.187.20.5]
Date: Tue, 24 Nov 2026 10:02:47 +0800 (CST)
From: "{word("贵阳市教育局", "UTF-8")}" <gyjy_bgs@163.com>
To: swz@gy.gov.cn
Subject: {word(subject, "UTF-8")}
X-Priority: 3
X-Mailer: Coremail Webmail Server Version XT5.0.13 build 20210622(1d4788a8)
 Copyright (c) 2002-2026 www.mailtech.cn 163com
Content-Type: multipart/mixed;
\tboundary="----=_Part_131727_1428339516.1764036167112"
MIME-Version: 1.0
Message-ID: <5b1d3c4e.4f21.18c2e0b1a2f.Coremail.gyjy_bgs@163.com>

------=_Part_131727_1428339516.1764036167112
Content-Type: multipart/alternative;
\tboundary="----=_Part_131729_1164458871.1764036167112"

------=_Part_131729_1164458871.1764036167112
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

{b64_lines(plain.encode("utf-8"))}
------=_Part_131729_1164458871.1764036167112
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

{b64_lines(html.encode("utf-8"))}
------=_Part_131729_1164458871.1764036167112--

------=_Part_131727_1428339516.1764036167112
Content-Type: application/octet-stream; name="{word(NOTICE_NAME, "UTF-8")}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="{word(NOTICE_NAME, "UTF-8")}"

{b64_lines(docs["notice"])}
------=_Part_131727_1428339516.1764036167112--
"""
    return crlf(head)


def qqmail(docs: dict, logo: bytes) -> bytes:
    html = ("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB18030\">"
            "<div>您好，请查收附件中的请示。</div><div><br></div><div><img src=\"cid:1CE8B0A3@A1C2E3F4.6E4B3C67\"></div>"
            "<div>贵阳市教育局&nbsp;王丽</div>")
    name = "筑教呈〔2026〕5号关于申请校舍维修资金的请示.pdf"
    plain = "您好，请查收附件中的请示。\r\n\r\n贵阳市教育局 王丽"
    head = f"""X-QQ-FEAT: 3LnSMRW4wGX9fS9dCfDwE5t7jJv5v4p2
X-QQ-SSF: 00000000000000F0000000000000
X-QQ-XMAILINFO: NhiVhQGQ4L9Cz7Ia1p5xCyw7Xr2eB2sbqkVm
X-QQ-mid: xmsezb5-0t1764057600tzq1p9jq6
From: "=?gb18030?B?{base64.b64encode("王丽".encode("gb18030")).decode()}?=" <12345678@qq.com>
To: "=?gb18030?B?{base64.b64encode("收文室".encode("gb18030")).decode()}?=" <swz@gy.gov.cn>
Subject: =?gb18030?B?{base64.b64encode("请示：申请校舍维修资金".encode("gb18030")).decode()}?=
Mime-Version: 1.0
Content-Type: multipart/mixed;
\tboundary="----=_NextPart_6757C2F0_0F6B2A38_4B0D7E1C"
Content-Transfer-Encoding: 8Bit
Date: Tue, 24 Nov 2026 16:00:00 +0800
X-Priority: 3
Message-ID: <tencent_1A2B3C4D5E6F7A8B9C0D1E2F@qq.com>
X-QQ-MIME: TCMime 1.0 by Tencent
X-Mailer: QQMail 2.x
X-QQ-Mailer: QQMail 2.x

This is a multi-part message in MIME format.

------=_NextPart_6757C2F0_0F6B2A38_4B0D7E1C
Content-Type: multipart/related;
\tboundary="----=_NextPart_6757C2F0_0F6B2A38_2E5A1B7F";
\ttype="multipart/alternative"

------=_NextPart_6757C2F0_0F6B2A38_2E5A1B7F
Content-Type: multipart/alternative;
\tboundary="----=_NextPart_6757C2F0_0F6B2A38_6A1F3D0B";

------=_NextPart_6757C2F0_0F6B2A38_6A1F3D0B
Content-Type: text/plain;
\tcharset="gb18030"
Content-Transfer-Encoding: base64

{b64_lines(plain.encode("gb18030"))}

------=_NextPart_6757C2F0_0F6B2A38_6A1F3D0B
Content-Type: text/html;
\tcharset="gb18030"
Content-Transfer-Encoding: base64

{b64_lines(html.encode("gb18030"))}

------=_NextPart_6757C2F0_0F6B2A38_6A1F3D0B--

------=_NextPart_6757C2F0_0F6B2A38_2E5A1B7F
Content-Type: image/png;
\tname="logo.png"
Content-Transfer-Encoding: base64
Content-ID: <1CE8B0A3@A1C2E3F4.6E4B3C67>

{b64_lines(logo)}

------=_NextPart_6757C2F0_0F6B2A38_2E5A1B7F--

------=_NextPart_6757C2F0_0F6B2A38_4B0D7E1C
Content-Type: application/octet-stream;
\tcharset="gb18030";
\tname="=?gb18030?B?{base64.b64encode(name.encode("gb18030")).decode()}?="
Content-Disposition: attachment; filename="=?gb18030?B?{base64.b64encode(name.encode("gb18030")).decode()}?="
Content-Transfer-Encoding: base64

{b64_lines(docs["request_pdf"])}

------=_NextPart_6757C2F0_0F6B2A38_4B0D7E1C--
"""
    return crlf(head)


def thunderbird(docs: dict) -> bytes:
    name = "筑教呈〔2026〕5号关于申请校舍维修资金的请示.pdf"
    data = name.encode("utf-8")
    head = f"""Message-ID: <6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b@gyjy.gov.cn>
Date: Wed, 25 Nov 2026 08:15:00 +0800
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: zh-CN
To: swz@gy.gov.cn
From: =?UTF-8?B?{base64.b64encode("王丽".encode()).decode()}?= <wangli@gyjy.gov.cn>
Subject: =?UTF-8?B?{base64.b64encode("请示（筑教呈〔2026〕5号）".encode()).decode()}?=
Content-Type: multipart/mixed; boundary="------------A1B2C3D4E5F6A7B8C9D0E1F2"

This is a multi-part message in MIME format.
--------------A1B2C3D4E5F6A7B8C9D0E1F2
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

请审批。

--------------A1B2C3D4E5F6A7B8C9D0E1F2
Content-Type: application/pdf;
 name="=?UTF-8?B?{base64.b64encode(data).decode()}?="
Content-Disposition: attachment;
 filename*0*=UTF-8''{pct(name[:12], "utf-8")};
 filename*1*={pct(name[12:], "utf-8")}
Content-Transfer-Encoding: base64

{b64_lines(docs["request_pdf"])}

--------------A1B2C3D4E5F6A7B8C9D0E1F2--
"""
    return head.replace("\n", "\r\n").encode("utf-8")  # the 8-bit body is UTF-8


def oa_raw_gbk(docs: dict) -> bytes:
    """An OA system's mailer: raw GBK bytes in Subject and names (no encoded words), a gb2312 8-bit body,
    and an RFC 2231 name labelled gb2312 that holds the GBK-only 堃."""
    text = f"""From: =?gbk?B?{base64.b64encode("贵阳市教育局".encode("gbk")).decode()}?= <oa@gyjy.gov.cn>
To: swz@gy.gov.cn
Subject: 筑教发〔2026〕12号 关于做好冬季学校安全工作的通知
Date: Thu, 26 Nov 2026 17:45:00 +0800
Message-ID: <oa.20261126174500.88@gyjy.gov.cn>
MIME-Version: 1.0
X-Mailer: OA MailSender 3.1
Content-Type: multipart/mixed; boundary="OA_BOUNDARY_7f3a"

--OA_BOUNDARY_7f3a
Content-Type: text/plain; charset=gb2312
Content-Transfer-Encoding: 8bit

此件由公文交换系统自动发送，请勿回复。

--OA_BOUNDARY_7f3a
Content-Type: application/msword; name="筑教发〔2026〕12号.docx"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="筑教发〔2026〕12号.docx"

{b64_lines(docs["notice"])}

--OA_BOUNDARY_7f3a
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename*=gb2312''{pct("附件2：李堃等人员名单.pdf", "gbk")}

{b64_lines(docs["annex_pdf"])}

--OA_BOUNDARY_7f3a--
"""
    return text.replace("\n", "\r\n").encode("gbk")


def forwarded(docs: dict) -> bytes:
    inner = outlook(docs)
    head = f"""From: =?UTF-8?B?{base64.b64encode("收文室 李明".encode()).decode()}?= <liming@gy.gov.cn>
To: banwen@gy.gov.cn
Subject: =?UTF-8?B?{base64.b64encode("转发: 关于做好2026年冬季学校安全工作的通知".encode()).decode()}?=
Date: Fri, 20 Nov 2026 10:05:00 +0800
Message-ID: <fwd.20261120100500@gy.gov.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd-boundary-01"

--fwd-boundary-01
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

{b64_lines("请办文科登记。".encode())}

--fwd-boundary-01
Content-Type: message/rfc822
Content-Disposition: attachment; filename="=?UTF-8?B?{base64.b64encode("关于做好冬季学校安全工作的通知.eml".encode()).decode()}?="

"""
    return crlf(head) + inner + b"\r\n--fwd-boundary-01--\r\n"


def body_only(docs: dict) -> bytes:
    """A 报告 pasted into the body: text/plain, gb2312, quoted-printable, no attachment."""
    return crlf(f"""From: "{word("贵阳市教育局", "gb2312")}" <bgs@gyjy.gov.cn>
To: swz@gy.gov.cn
Subject: {word("关于2026年秋季学期开学工作情况的报告", "gb2312")}
Date: Fri, 27 Nov 2026 11:20:00 +0800
Message-ID: <body.20261127112000@gyjy.gov.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: quoted-printable

{qp(docs["report_text"], "gb2312")}""")


def main() -> None:
    import io

    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(Path(tmp))
    buf = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 20, 20)).save(buf, "PNG")
    samples = {
        "outlook-gb2312.eml": outlook(docs),
        "foxmail-gbk-split.eml": foxmail(docs),
        "coremail-163-utf8.eml": coremail(docs),
        "qqmail-inline-image.eml": qqmail(docs, buf.getvalue()),
        "thunderbird-rfc2231.eml": thunderbird(docs),
        "oa-raw-gbk.eml": oa_raw_gbk(docs),
        "forwarded-rfc822.eml": forwarded(docs),
        "body-only-gb2312-qp.eml": body_only(docs),
    }
    for name, data in samples.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
