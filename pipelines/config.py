"""The office's configuration (机关配置): shouwen.toml, read once, validated, with environment overrides.

Where the file is: `--config PATH`, else $SHOUWEN_CONFIG, else `<data root>/shouwen.toml` (optional there; a
file named explicitly must exist). Every key has a default, so an office without a file runs as before.

    [office]                         # 机关
    name = "某市人民政府办公厅"        # on every 退文通知单 (env SHOUWEN_OFFICE)
    contact = "文秘科"                # 联系人 on the notice (SHOUWEN_OFFICE_CONTACT)
    phone = "0851-12345678"          # (SHOUWEN_OFFICE_PHONE)
    departments = ["办公室", "综合科"] # 承办部门: the departments documents may be routed to
    timezone = "Asia/Shanghai"       # the office's clock, for schedules (SHOUWEN_TIMEZONE)
    profile = "gb9704-2012"          # 初审 profile: a shipped name or a TOML file (SHOUWEN_PROFILE)
    [ledger]
    url = "sqlite:///ledger.sqlite3" # 登记簿 (SHOUWEN_LEDGER_URL): sqlite:///relative-to-root, sqlite:////absolute,
                                     # postgresql://user:pw@host:5432/db or postgresql://user@/db?host=/socket/dir
    retry_seconds = 30               # PostgreSQL restarting: wait this long for it, then give up (SHOUWEN_LEDGER_RETRY_SECONDS)
    [index]
    url = "embedded"                 # 检索 (SHOUWEN_INDEX_URL): embedded (search-index/ in the root, Tantivy) or http(s)://… (Elasticsearch)
    [ocr]
    engine = "rapidocr"              # or "paddleocr" (SHOUWEN_OCR_ENGINE)
    runtime = "openvino"             # or "onnxruntime" (SHOUWEN_OCR_RUNTIME)
    model_dir = "/srv/models/ppocr"  # (SHOUWEN_OCR_MODEL_DIR); relative paths are relative to this file
    paddle_model_dir = "…"           # (SHOUWEN_PADDLE_MODEL_DIR)
    max_side = 1280                  # longest page side, pixels, given to the text detector (SHOUWEN_OCR_MAX_SIDE)
    [intake]                         # 签收
    incomplete_grace_seconds = 600   # a file cut off (a PDF without its end, a zip without its central directory…)
                                     # waits this long after its last write as 仍在传入, then goes to quarantine
                                     # (SHOUWEN_INCOMPLETE_GRACE_SECONDS)
    [prefect]
    api_url = "http://prefect.office.lan:4200/api"   # a standing Prefect server (PREFECT_API_URL); none: the batch starts its own
    work_pool = "shouwen"            # the work pool of `shouwen worker` and prefect.yaml (SHOUWEN_WORK_POOL)
    [web]                            # `shouwen serve`, the web desk
    secure_cookies = true            # cookies only over HTTPS (SHOUWEN_WEB_SECURE_COOKIES); false only for a
                                     # plain-HTTP intranet, where the session cookie then travels unencrypted
    session_idle_minutes = 30        # a session unused this long ends (SHOUWEN_WEB_SESSION_IDLE_MINUTES)
    session_hours = 12               # and every session ends this long after its login (SHOUWEN_WEB_SESSION_HOURS)

    [handling]                       # 承办与督办 (pipelines/handling/): deadlines, reminders, files
    working_days = 15                # 一般办件：分办后 N 个工作日内办结
    provincial_days = 15             # 省部级以上领导批示件：自收件之日起 N 日内办结（日历日，末日遇节假日顺延）
    leader_working_days = 10         # 市长、副市长、市长助理批示件：交办后 N 个工作日内反馈
    topic_working_days = 5           # 议题协调：3 至 5 个工作日
    extra_urgent_working_days = 2    # 特急件
    urgent_working_days = 5          # 加急件
    remind_working_days = 3          # 到期前 N 个工作日内催办
    default_kind = "办件"             # 没有批示时按办件（需承办结果）还是阅件
    leaders = ["张伟 市长"]            # 领导姓名与职务：批办时据职务定期限
    city_leader_titles = […]         # 市领导职务（批示件 10 个工作日反馈）
    provincial_titles = […]          # 省部级以上领导职务（批示件 15 日办结）
    holidays_file = "holidays.toml"  # 本机关的节假日与调休补充（相对数据目录）
    words_file = "instruction_words.toml"   # 办件/阅件批示用语表（不存在时用随程序提供的）
    templates_dir = "templates"      # 收文处理单、督查专报等模板（不存在时用随程序提供的）
    letter_working_days = 15         # 来信：交办后 N 个工作日内答复

    [letters]                        # 来信 (pipelines/letters/): citizens' letters, never checked against GB/T 9704
    folders = ["12345", "市长信箱"]   # inbox/<folder>/ is a letter channel (its files are letters unless they are 公文)
    mailboxes = ["mayor@city.gov.cn"] # a mail addressed to one of these came by the 市长信箱
    mailbox_name = "市长信箱"          # the channel's name for those mails
    number_prefix = "信"              # 信〔2026〕N号

    [returns]                        # 退文通知单 and its delivery (pipelines/returns/)
    number_format = "退〔{year}〕{n}号" # the notices' own numbers: {year}, {n} (a sequence per year)
    address = "示例市人民大道1号"       # 机关地址, postcode, fax, email: printed on every notice
    postcode = "550001"  fax = "…"  email = "…"
    templates_dir = "templates"      # 退文通知单.docx, 撤回通知.docx of the office's own (else the shipped ones)
    retry_seconds = 300              # a failed send is tried again after this, doubled each time …
    retry_max_seconds = 21600        # … up to this, and at most max_attempts times in all
    max_attempts = 8
    [returns.addresses]              # 通讯录: a 来文单位's mail address, for documents that did not come by mail
    "某市教育局" = ["bgs@jyj.example.gov.cn"]
    [smtp]                           # 发信: the notices go out through this server (none: all 待送达)
    host = "smtp.office.lan"  port = 587  security = "starttls"   # or "tls" (implicit, port 465)
    username = "shouwen@office.gov.cn"  password = "…"          # (SHOUWEN_SMTP_PASSWORD); never printed
    from_address = "shouwen@office.gov.cn"  from_name = "某市人民政府办公厅"  ca_file = "…"  timeout = 30
    [imap]                           # 收信: the office mailbox as a channel (none: no mailbox is fetched)
    host = "imap.office.lan"  port = 993  security = "tls"       # or "starttls" (port 143)
    username = "…"  password = "…"   # (SHOUWEN_IMAP_PASSWORD); never printed
    folder = "INBOX"  processed_folder = "已收文"                # "" : flagged $ShouwenTaken instead of moved
    ca_file = "…"  timeout = 60

Precedence, per key: environment variable > file > default. A wrong value or an unknown key is a ConfigError
whose Chinese message names the key and the file (or the variable); the command exits with 2.
`shouwen config` prints the effective values and where each came from.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

FILE_NAME = "shouwen.toml"
DEFAULT_OFFICE = "市人民政府办公厅"

# (section, key) → the environment variable that overrides it
ENV = {
    ("office", "name"): "SHOUWEN_OFFICE",
    ("office", "contact"): "SHOUWEN_OFFICE_CONTACT",
    ("office", "phone"): "SHOUWEN_OFFICE_PHONE",
    ("office", "timezone"): "SHOUWEN_TIMEZONE",
    ("office", "profile"): "SHOUWEN_PROFILE",
    ("ledger", "url"): "SHOUWEN_LEDGER_URL",
    ("ledger", "retry_seconds"): "SHOUWEN_LEDGER_RETRY_SECONDS",
    ("index", "url"): "SHOUWEN_INDEX_URL",
    ("ocr", "engine"): "SHOUWEN_OCR_ENGINE",
    ("ocr", "runtime"): "SHOUWEN_OCR_RUNTIME",
    ("ocr", "model_dir"): "SHOUWEN_OCR_MODEL_DIR",
    ("ocr", "paddle_model_dir"): "SHOUWEN_PADDLE_MODEL_DIR",
    ("ocr", "max_side"): "SHOUWEN_OCR_MAX_SIDE",
    ("intake", "incomplete_grace_seconds"): "SHOUWEN_INCOMPLETE_GRACE_SECONDS",
    ("prefect", "api_url"): "PREFECT_API_URL",
    ("prefect", "work_pool"): "SHOUWEN_WORK_POOL",
    ("smtp", "password"): "SHOUWEN_SMTP_PASSWORD",
    ("imap", "password"): "SHOUWEN_IMAP_PASSWORD",
    ("web", "secure_cookies"): "SHOUWEN_WEB_SECURE_COOKIES",
    ("web", "session_idle_minutes"): "SHOUWEN_WEB_SESSION_IDLE_MINUTES",
    ("web", "session_hours"): "SHOUWEN_WEB_SESSION_HOURS",
}


class ConfigError(ValueError):
    """A configuration the office cannot run with; the message (Chinese) names the key and where it was set."""

    def __init__(self, message: str):
        super().__init__(mask(message))  # a value quoted in the reason never shows its password


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficeSettings(_Section):
    name: str = Field(DEFAULT_OFFICE, description="机关名称：印在每一份退文通知单上")
    contact: str = Field("文秘科", description="退文通知单上的联系人（科室或姓名）")
    phone: str = Field("", description="退文通知单上的联系电话")
    departments: list[str] = Field([], description="承办部门：收文可分办到的部门名称（改办时只接受这些名称；为空时以分办规则中的部门和办公室为准）")
    timezone: str = Field("Asia/Shanghai", description="机关所在时区（IANA 名称），用于定时批处理和显示时间")
    profile: str = Field("gb9704-2012", description="初审配置：随程序提供的名称（见初审配置页）或机关自己的 TOML 文件路径")

    @field_validator("name", "contact")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()

    @field_validator("departments")
    @classmethod
    def _departments(cls, value: list[str]) -> list[str]:
        names = [v.strip() for v in value]
        if any(not n for n in names):
            raise ValueError("部门名称不能为空")
        if len(set(names)) != len(names):
            raise ValueError(f"部门重复：{'、'.join(sorted({n for n in names if names.count(n) > 1}))}")
        return names

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区 {value!r}（应为如 Asia/Shanghai 的 IANA 时区名）") from None
        return value


class LedgerSettings(_Section):
    url: str = Field("sqlite:///ledger.sqlite3", description="登记簿数据库：sqlite:///相对数据目录的路径、sqlite:////绝对路径，或 postgresql://用户:密码@主机:5432/库名、postgresql://用户@/库名?host=/套接字目录")
    retry_seconds: float = Field(30.0, description="PostgreSQL 登记簿：数据库服务器重启时最多等待多少秒（0–3600）")  # pipelines/ledger/postgres.py

    @field_validator("retry_seconds")
    @classmethod
    def _retry_seconds(cls, value: float) -> float:
        if not 0 <= value <= 3600:
            raise ValueError("应在 0 到 3600 秒之间")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme == "sqlite":
            if not value.startswith("sqlite:///") or value == "sqlite:///":
                raise ValueError("SQLite 地址应为 sqlite:///相对数据目录的路径 或 sqlite:////绝对路径")
            return value
        if scheme in ("postgresql", "postgres"):
            return _check_postgres(value)
        raise ValueError(f"不支持的登记簿地址 {value!r}（应以 sqlite:/// 或 postgresql:// 开头）")


class IndexSettings(_Section):
    url: str = Field("embedded", description="检索：embedded（数据目录下 search-index/ 中的内置 Tantivy 索引）或 Elasticsearch 的 http(s)://主机:端口")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value == "embedded":
            return value
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.hostname:
            return value
        raise ValueError(f"不支持的检索地址 {value!r}（应为 embedded，或 Elasticsearch 的 http(s)://主机:端口）")


class OcrSettings(_Section):
    engine: Literal["rapidocr", "paddleocr"] = Field("rapidocr", description="文字识别（OCR）引擎：rapidocr（默认，随程序安装）或 paddleocr（需安装可选组件 paddle）")
    runtime: Literal["openvino", "onnxruntime"] = Field("openvino", description="OCR 模型的运行库：openvino（x86 处理器上较快）或 onnxruntime")
    model_dir: Optional[str] = Field(None, description="另用一套 PP-OCR 模型的目录（相对路径相对于配置文件）；不设时用随程序提供的模型")
    paddle_model_dir: Optional[str] = Field(None, description="paddleocr 引擎的模型目录（相对路径相对于配置文件）")
    max_side: int = Field(1280, description="交给文字检测的页面长边像素数（320–8192）：大些识别小字更准，但更慢")

    @field_validator("max_side")
    @classmethod
    def _max_side(cls, value: int) -> int:
        if not 320 <= value <= 8192:
            raise ValueError("应在 320 到 8192 像素之间")
        return value


class IntakeSettings(_Section):
    """[intake]: 签收. A structurally incomplete file (extractors/complete.py) younger than
    incomplete_grace_seconds (since its last write) is still arriving; older, it is taken and quarantined."""
    incomplete_grace_seconds: int = Field(600, description="不完整的文件（缺结尾的 PDF、缺目录的压缩包等）在最后一次写入后等待多少秒仍视为“仍在传入”，超过则移入隔离区")

    @field_validator("incomplete_grace_seconds")
    @classmethod
    def _grace(cls, value: int) -> int:
        if not 0 <= value <= 7 * 86400:
            raise ValueError("应在 0 到 604800 秒（7 天）之间")
        return value


class PrefectSettings(_Section):
    api_url: Optional[str] = Field(None, description="常驻 Prefect 服务的地址 http(s)://主机:端口/api；不设时每次批处理自带一个临时服务")
    work_pool: str = Field("shouwen", description="工作池名称：shouwen worker 与 prefect.yaml 使用的 Prefect work pool")

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: Optional[str]) -> Optional[str]:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"应为 Prefect 服务的 http(s)://主机:端口/api 地址，而不是 {value!r}")
        return value.rstrip("/")

    @field_validator("work_pool")
    @classmethod
    def _pool(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()


class HandlingSettings(_Section):
    """[handling]: 承办与督办 (pipelines/handling/deadlines.py reads the days; the defaults are the procedures':
    宁波市人民政府办公厅领导批示件办理工作规程 一(七), 二(四), 三(三); 太原 并政办发〔2011〕32号 一(一))."""
    working_days: int = Field(15, description="一般办件：分办后 N 个工作日内办结")
    provincial_days: int = Field(15, description="省部级以上领导批示件：自收件之日起 N 日内办结（日历日，末日遇节假日顺延）")
    leader_working_days: int = Field(10, description="市长、副市长、市长助理批示件：交办后 N 个工作日内反馈")
    topic_working_days: int = Field(5, description="议题协调：N 个工作日（规程为 3 至 5 个）")
    extra_urgent_working_days: int = Field(2, description="特急件：N 个工作日内办结")
    urgent_working_days: int = Field(5, description="加急件：N 个工作日内办结")
    remind_working_days: int = Field(3, description="到期前 N 个工作日内催办（0：到期当日才催）")
    default_kind: Literal["办件", "阅件"] = Field("办件", description="没有批示时按办件（需承办结果）还是阅件处理")
    leaders: list[str] = Field([], description="领导的“姓名 职务”，如 \"张伟 市长\"：批办时据职务定办理期限")
    city_leader_titles: list[str] = Field(["市长", "常务副市长", "副市长", "市长助理"],
                                          description="市领导的职务名称：其批示件交办后按市领导批示件的期限反馈")
    provincial_titles: list[str] = Field(["总书记", "总理", "副总理", "国务委员", "部长", "副部长", "省委书记",
                                          "省委副书记", "省长", "常务副省长", "副省长"],
                                         description="省部级以上领导的职务名称：其批示件按省部级以上批示件的期限办结")
    holidays_file: str = Field("holidays.toml", description="本机关的节假日与调休补充文件（相对数据目录）")
    words_file: str = Field("instruction_words.toml", description="办件/阅件批示用语表（相对数据目录；不存在时用随程序提供的）")
    templates_dir: str = Field("templates", description="收文处理单、督查专报等 docx/xlsx 模板目录（相对数据目录；不存在时用随程序提供的）")
    letter_working_days: int = Field(15, description="来信：交办后 N 个工作日内答复")

    @field_validator("working_days", "letter_working_days", "provincial_days", "leader_working_days", "topic_working_days",
                     "extra_urgent_working_days", "urgent_working_days")
    @classmethod
    def _days(cls, value: int) -> int:
        if not 1 <= value <= 365:
            raise ValueError("应在 1 到 365 天之间")
        return value

    @field_validator("remind_working_days")
    @classmethod
    def _remind(cls, value: int) -> int:
        if not 0 <= value <= 60:
            raise ValueError("应在 0 到 60 个工作日之间")
        return value

    @field_validator("leaders")
    @classmethod
    def _leaders(cls, value: list[str]) -> list[str]:
        for entry in value:
            if len(entry.split()) != 2:
                raise ValueError(f"“{entry}”应为“姓名 职务”，如“张伟 市长”")
        return [" ".join(v.split()) for v in value]

class WebSettings(_Section):
    """The web desk (`shouwen serve`, web/): cookies and how long a session lasts."""
    secure_cookies: bool = Field(True, description="只经 HTTPS 发送会话 Cookie；只有在封闭内网用纯 HTTP 提供办公台时才设为 false（会话 Cookie 将以明文传输）")
    session_idle_minutes: int = Field(30, description="会话闲置多少分钟后结束")
    session_hours: int = Field(12, description="登录后多少小时会话必定结束")

    @field_validator("session_idle_minutes", "session_hours")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("应为正整数")
        return value


NUMBER_FIELDS = {"year": 2026, "n": 1}  # what a notice number's format may name


class ReturnsSettings(_Section):
    """[returns]: the 退文通知单 as the office issues it (pipelines/returns/notice.py) and its delivery's retries
    (pipelines/returns/delivery.py)."""
    number_format: str = Field("退〔{year}〕{n}号", description="退文通知单的编号格式：{year} 年份，{n} 当年序号（如 {n:03d}）")
    address: str = Field("", description="机关地址，印在通知单上")
    postcode: str = Field("", description="邮政编码，印在通知单上")
    fax: str = Field("", description="传真号码，印在通知单上")
    email: str = Field("", description="电子邮箱，印在通知单上")
    templates_dir: str = Field("templates", description="本机关的 退文通知单.docx、撤回通知.docx 模板目录（相对数据目录；没有时用随程序提供的）")
    addresses: dict[str, list[str]] = Field({}, description="通讯录：来文单位 = [邮件地址, …]；非邮件来文的通知单按此发送（写在 [returns.addresses] 表中）")
    retry_seconds: int = Field(300, description="发送失败后多少秒重试，之后每次加倍")
    retry_max_seconds: int = Field(21600, description="重试间隔的上限（秒）")
    max_attempts: int = Field(8, description="最多尝试发送几次")

    @field_validator("number_format")
    @classmethod
    def _number_format(cls, value: str) -> str:
        if "{n" not in value:
            raise ValueError("应含序号 {n}，如 退〔{year}〕{n}号")
        try:
            value.format(**NUMBER_FIELDS)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"只能使用 {{year}} 与 {{n}}（如 {{n:03d}}），{type(exc).__name__}: {exc}") from None
        return value

    @field_validator("addresses", mode="before")
    @classmethod
    def _addresses(cls, value):
        if not isinstance(value, dict):
            return value
        out = {}
        for issuer, listed in value.items():
            listed = [listed] if isinstance(listed, str) else listed
            if not isinstance(listed, list) or not all(isinstance(a, str) for a in listed):
                raise ValueError(f"“{issuer}”的地址应为字符串或字符串列表")
            bad = [a for a in listed if not _MAIL_ADDRESS.fullmatch(a.strip())]
            if bad:
                raise ValueError(f"“{issuer}”的地址不是有效的电子邮件地址：{'、'.join(bad)}")
            out[issuer.strip()] = [a.strip() for a in listed]
        return out

    @field_validator("retry_seconds", "retry_max_seconds")
    @classmethod
    def _seconds(cls, value: int) -> int:
        if not 0 <= value <= 7 * 86400:
            raise ValueError("应在 0 到 604800 秒（7 天）之间")
        return value

    @field_validator("max_attempts")
    @classmethod
    def _attempts(cls, value: int) -> int:
        if not 1 <= value <= 100:
            raise ValueError("应在 1 到 100 次之间")
        return value


_MAIL_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.\-]+\.[A-Za-z0-9\-]+")


class _MailServer(_Section):
    """What [smtp] and [imap] share: a server, TLS, an account (the password never printed: SecretStr)."""
    host: Optional[str] = Field(None, description="邮件服务器的主机名；不设则不使用该服务器")
    port: Optional[int] = Field(None, description="端口（不设时按加密方式取默认：SMTP 587/465，IMAP 993/143）")
    username: Optional[str] = Field(None, description="登录账户")
    password: Optional[SecretStr] = Field(None, description="登录密码（宜用环境变量给出；从不显示）")
    ca_file: Optional[str] = Field(None, description="机关自己的证书颁发机构证书（PEM；相对路径相对于配置文件）")  # a private CA's certificate (PEM); relative paths are relative to the file
    timeout: int = Field(30, description="连接的超时（秒）")

    @field_validator("host")
    @classmethod
    def _host(cls, value: Optional[str]) -> Optional[str]:
        value = (value or "").strip()
        if value and not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]+", value):
            raise ValueError(f"不是有效的主机名：{value!r}")
        return value or None

    @field_validator("port")
    @classmethod
    def _port(cls, value: Optional[int]) -> Optional[int]:
        if value is not None and not 1 <= value <= 65535:
            raise ValueError("应在 1 到 65535 之间")
        return value

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: int) -> int:
        if not 1 <= value <= 600:
            raise ValueError("应在 1 到 600 秒之间")
        return value

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def secret(self) -> str:
        """The password itself, for logging in (never for showing)."""
        return self.password.get_secret_value() if self.password is not None else ""


class SmtpSettings(_MailServer):
    """[smtp]: where the 退文通知单 (and the 来信's answers) go out; STARTTLS (587) or implicit TLS (465)."""
    security: Literal["starttls", "tls"] = Field("starttls", description="加密方式：starttls（端口 587）或 tls（隐式 TLS，端口 465）")
    from_address: Optional[str] = Field(None, description="发件人地址")
    from_name: Optional[str] = Field(None, description="发件人名称（不设时用机关名称）")

    @model_validator(mode="after")
    def _sender(self):
        if self.host and not (self.from_address or (self.username and "@" in self.username)):
            raise ValueError("配置了 host 而没有发件地址 from_address")
        if self.from_address and not _MAIL_ADDRESS.fullmatch(self.from_address):
            raise ValueError(f"from_address 不是有效的电子邮件地址：{self.from_address}")
        return self

    @property
    def sender(self) -> str:
        return self.from_address or self.username or ""

    @property
    def effective_port(self) -> int:
        return self.port or (465 if self.security == "tls" else 587)


class ImapSettings(_MailServer):
    """[imap]: the office mailbox as a channel: each message of `folder` taken once, then moved to
    `processed_folder` (empty: flagged $ShouwenTaken and left where it is), never deleted."""
    security: Literal["tls", "starttls"] = Field("tls", description="加密方式：tls（端口 993）或 starttls（端口 143）")
    folder: str = Field("INBOX", description="收取哪个邮件夹")
    processed_folder: str = Field("已收文", description="取过的邮件移入的邮件夹；\"\" 则只加标记 $ShouwenTaken、不移动；邮件从不删除")
    timeout: int = Field(60, description="连接与收取的超时（秒）")

    @model_validator(mode="after")
    def _folders(self):
        if not self.folder.strip():
            raise ValueError("folder 不能为空")
        if self.processed_folder.strip() == self.folder.strip():
            raise ValueError("processed_folder 不能与 folder 相同")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)


class LettersSettings(_Section):
    """[letters]: citizens' letters (pipelines/letters/, issue 22). folders: inbox folders declared as letter
    channels (市长信箱, 12345 网上来件 …: inbox/<folder>/); mailboxes: mail addresses of the 市长信箱 (a mail to
    one of them is on that channel, named mailbox_name); number_prefix: the letters' own numbers (信〔2026〕N号)."""
    folders: list[str] = Field([], description="来信渠道的收件箱文件夹（inbox/ 下的名称，如 12345、市长信箱）")
    mailboxes: list[str] = Field([], description="寄到这些地址的邮件算作来信")
    mailbox_name: str = Field("市长信箱", description="这些邮箱来信的渠道名称")
    number_prefix: str = Field("信", description="来信编号的前缀：信〔2026〕1号")

    @field_validator("folders")
    @classmethod
    def _folders(cls, value: list[str]) -> list[str]:
        from .dataroot import CHANNELS

        for name in value:
            if not name.strip() or "/" in name or "\\" in name or name.startswith(".") or name in CHANNELS:
                raise ValueError(f"“{name}”不能作为来信渠道目录名（不能为空、含斜杠、以点开头或与 {'/'.join(CHANNELS)} 重名）")
        return [v.strip() for v in value]

    @field_validator("mailboxes")
    @classmethod
    def _mailboxes(cls, value: list[str]) -> list[str]:
        for address in value:
            if "@" not in address:
                raise ValueError(f"“{address}”不是邮件地址")
        return [v.strip().lower() for v in value]

    @field_validator("number_prefix", "mailbox_name")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()


class Settings(_Section):
    office: OfficeSettings = OfficeSettings()
    ledger: LedgerSettings = LedgerSettings()
    index: IndexSettings = IndexSettings()
    ocr: OcrSettings = OcrSettings()
    intake: IntakeSettings = IntakeSettings()
    prefect: PrefectSettings = PrefectSettings()
    handling: HandlingSettings = HandlingSettings()
    returns: ReturnsSettings = ReturnsSettings()
    smtp: SmtpSettings = SmtpSettings()
    imap: ImapSettings = ImapSettings()
    web: WebSettings = WebSettings()
    letters: LettersSettings = LettersSettings()


def _check_postgres(url: str) -> str:
    """A libpq URI (psycopg parses it as libpq does); the database must be named; a socket directory
    (?host=/path) must be absolute."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: libpq's own words
        raise ValueError(f"PostgreSQL 地址无法解析：{str(exc).strip()}") from None
    if not params.get("dbname"):
        raise ValueError("PostgreSQL 地址缺少数据库名（如 postgresql://shouwen@/shouwen?host=/run/postgresql）")
    host = str(params.get("host") or "")
    if host.startswith(".") or ("/" in host and not host.startswith("/")):
        raise ValueError(f"PostgreSQL 套接字目录应为绝对路径：{host}")
    return url


@dataclass(frozen=True)
class Config:
    """The effective configuration: `settings` (validated values), `root` (the data root), `path` (the file
    read, or None), and `sources[(section, key)]`: 'file', 'env:NAME' or 'default'."""
    settings: Settings
    root: Path
    path: Optional[Path]
    sources: dict = field(default_factory=dict)

    @property
    def office(self) -> OfficeSettings:
        return self.settings.office

    def ledger_location(self) -> str:
        """The ledger as a path (SQLite; relative URLs resolved against the data root) or the PostgreSQL URL."""
        url = self.settings.ledger.url
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            return str(path if path.is_absolute() else self.root / path)
        return url

    def index_location(self) -> str:
        url = self.settings.index.url
        return str(self.root / "search-index") if url == "embedded" else url

    def ledger_is_default(self) -> bool:
        return self.ledger_location() == str(self.root / "ledger.sqlite3")

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, value shown, source) for every key, passwords masked: what `shouwen config` prints."""
        out = []
        for section, model in self.settings:
            for key, value in model:
                shown = mask(value) if isinstance(value, str) else value
                if isinstance(shown, dict):  # [returns.addresses]: 来文单位：地址
                    shown = "；".join(f"{k}：{'、'.join(v) if isinstance(v, list) else v}" for k, v in shown.items())
                if isinstance(shown, list):
                    shown = "、".join(shown) or "（未设）"
                out.append((f"{section}.{key}", "（未设）" if shown in (None, "") else str(shown),
                            self.sources.get((section, key), "default")))
        return out


# user:password@ after any scheme (postgresql+psycopg://, mysql://…: a URL we refuse is still shown masked); the
# password runs to the last @ before the URL's path, query or fragment, as urlsplit reads a netloc
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@'\"]*):[^\s/?#'\"]*@")
# libpq's password parameter: ?password=… / &password=… in a URI, password=… in a key=value conninfo
_PARAM_PASSWORD = re.compile(r"(?P<head>(?:^|[?&\s;'\"])(?:password|sslpassword)\s*=\s*)[^&\s'\"#;]*", re.IGNORECASE)


def mask(value: str) -> str:
    """Text (a URL, or a message quoting one) with every password replaced by ***, for showing: the user:password@
    of a URL of any scheme, and libpq's password= / sslpassword= parameters. Anything else unchanged."""
    if not isinstance(value, str):
        return value
    value = _URL_PASSWORD.sub(lambda m: f"{m['head']}:***@", value)
    return _PARAM_PASSWORD.sub(lambda m: f"{m['head']}***", value)


def find_file(root: Path, explicit: Optional[str], environ=os.environ) -> Optional[Path]:
    """--config, else $SHOUWEN_CONFIG, else <root>/shouwen.toml where it exists; ConfigError where a file
    named explicitly is missing."""
    named = explicit or environ.get("SHOUWEN_CONFIG")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            where = "--config" if explicit else "$SHOUWEN_CONFIG"
            raise ConfigError(f"配置文件不存在：{path}（由 {where} 指定）")
        return path.resolve()
    default = Path(root) / FILE_NAME
    return default.resolve() if default.is_file() else None


TOML_FAULTS = {  # tomllib's messages (Python 3.11's own, English only), by their start, in Chinese
    "Expected ']' at the end of a table declaration": "表名（[…]）缺少结尾的“]”",
    "Expected ']]' at the end of an array declaration": "表数组名（[[…]]）缺少结尾的“]]”",
    "Expected '=' after a key": "键名后缺少“=”",
    "Expected newline or end of document after a statement": "一行只能写一项（值之后还有多余的内容）",
    "Invalid initial character for a key part": "键名的开头字符无效（中文等键名须加引号）",
    "Invalid statement": "无法识别的一行（应为 键 = 值 或 [表名]）",
    "Invalid value": "值无效（文字须加引号，如 name = \"市政府办公室\"）",
    "Invalid date or datetime": "日期或时间无效",
    "Unclosed array": "数组（[…]）没有结尾的“]”",
    "Unclosed inline table": "内联表（{…}）没有结尾的“}”",
    "Unterminated string": "字符串缺少结尾的引号",
    "Cannot overwrite a value": "同一个键写了两次",
    "Cannot declare": "同一个表写了两次",
    "Illegal character": "含有不允许的字符",
}


def toml_fault(exc: Exception) -> str:
    """Where and what of a TOML syntax error, in Chinese: 第 3 行第 7 列：表名（[…]）缺少结尾的“]” (文件末尾 where the
    parser ran out); the library's own words only where there is no Chinese for them."""
    text = str(exc)
    m = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", text, re.S)
    what, line, column = (m[1], m[2], m[3]) if m else (text, None, None)
    said = next((zh for start, zh in TOML_FAULTS.items() if what.startswith(start)), f"（TOML 解析器原文）{what}")
    if not m:
        return said
    return f"{f'第 {line} 行第 {column} 列' if line else '文件末尾'}：{said}"


def load(root: Path, explicit: Optional[str] = None, environ=os.environ) -> Config:
    """Read, merge and validate: ConfigError (Chinese, naming the key and the file or variable) on any fault."""
    root = Path(root).resolve()
    path = find_file(root, explicit, environ)
    raw: dict[str, Any] = {}
    if path:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{toml_fault(exc)}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 无法读取：{exc}") from None
    sources: dict = {}
    merged: dict[str, dict] = {}
    for section, table in raw.items():
        if section not in Settings.model_fields:
            raise ConfigError(f"配置文件 {path} 中有未知的配置节 [{section}]（可用：{'、'.join(Settings.model_fields)}）")
        if not isinstance(table, dict):
            raise ConfigError(f"配置文件 {path} 中 {section} 应为配置节 [{section}]")
        merged[section] = dict(table)
        for key in table:
            sources[(section, key)] = "file"
    # Paths in the file are relative to the file.
    for section, key in (("ocr", "model_dir"), ("ocr", "paddle_model_dir"), ("smtp", "ca_file"), ("imap", "ca_file")):
        value = merged.get(section, {}).get(key)
        if isinstance(value, str) and path and not Path(value).is_absolute():
            merged[section][key] = str((path.parent / value).resolve())
    _validate(merged, sources, path)  # the file alone first: its faults are named as the file's
    for (section, key), name in ENV.items():
        value = environ.get(name)
        if value is None or (value == "" and name == "PREFECT_API_URL"):
            continue
        merged.setdefault(section, {})[key] = value
        sources[(section, key)] = f"env:{name}"
    settings = _validate(merged, sources, path)
    _check_paths(settings, sources, path)
    _check_profile(settings, sources, path)
    return Config(settings, root, path, sources)


def _validate(merged: dict, sources: dict, path: Optional[Path]) -> Settings:
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(p) for p in error["loc"]]
        section, key = (loc + ["", ""])[:2]
        reason = "应为字符串（密码不予显示）" if key == "password" and error["type"] != "value_error" else _reason(error)
        raise ConfigError(_where(section, key, sources, path) + reason) from None


def _where(section: str, key: str, sources: dict, path: Optional[Path]) -> str:
    source = sources.get((section, key), "file")
    if source.startswith("env:"):
        return f"环境变量 {source[4:]}（配置项 [{section}] {key}）的值无效："
    return f"配置文件 {path} 中 [{section}] {key} 的值无效：" if key else f"配置文件 {path} 中 [{section}] 有误："


def _reason(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "未知的配置项（请检查拼写）"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected', '').replace(' or ', ' 或 ')} 之一，而不是 {error.get('input')!r}"
    if kind in ("string_type", "str_type"):
        return f"应为字符串，而不是 {error.get('input')!r}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数，而不是 {error.get('input')!r}"
    if kind in ("float_parsing", "float_type"):
        return f"应为数值（秒），而不是 {error.get('input')!r}"
    if kind == "list_type":
        return f"应为列表，如 [\"办公室\", \"综合科\"]，而不是 {error.get('input')!r}"
    if kind == "model_type":
        return "应为配置节（[节名] 下的 键 = 值）"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _check_paths(settings: Settings, sources: dict, path: Optional[Path]) -> None:
    for key in ("model_dir", "paddle_model_dir"):
        value = getattr(settings.ocr, key)
        if value and not Path(value).is_dir():
            raise ConfigError(_where("ocr", key, sources, path) + f"目录不存在：{value}")
    for section in ("smtp", "imap"):
        value = getattr(settings, section).ca_file
        if value and not Path(value).is_file():
            raise ConfigError(_where(section, "ca_file", sources, path) + f"文件不存在：{value}")


def _check_profile(settings: Settings, sources: dict, path: Optional[Path]) -> None:
    from validators.profile import ProfileError, check_profile

    try:
        check_profile(settings.office.profile)
    except ProfileError as exc:
        raise ConfigError(_where("office", "profile", sources, path) + str(exc)) from None


# The process's configuration: read once (by the CLI, from its --root and --config), then handed to the
# processes the batch starts through the environment ($SHOUWEN_CONFIG and the OCR variables).
_current: Optional[Config] = None


def activate(config: Config) -> Config:
    """Make `config` this process's configuration and export it to child processes: $SHOUWEN_CONFIG (the file),
    $SHOUWEN_ROOT, and the OCR and office settings as the variables extractors/ocr.py and returns.py read."""
    global _current
    _current = config
    os.environ["SHOUWEN_ROOT"] = str(config.root)
    if config.path:
        os.environ["SHOUWEN_CONFIG"] = str(config.path)
    for (section, key), name in ENV.items():
        if config.sources.get((section, key), "default") == "default":
            continue
        value = getattr(getattr(config.settings, section), key)
        if isinstance(value, SecretStr):  # a password from the environment is handed on as it came, never masked
            value = value.get_secret_value()
        if value is not None:
            os.environ[name] = str(value)
    return config


def current() -> Config:
    """This process's configuration: the one activated, else read from $SHOUWEN_CONFIG / $SHOUWEN_ROOT (a worker
    process, a Prefect worker's flow run). Read once."""
    global _current
    if _current is None:
        from .dataroot import data_root

        _current = load(data_root(None))
    return _current
