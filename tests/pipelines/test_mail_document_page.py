"""A mail's document page shows the 公文 the mail brought (its 主件), not the message's MIME source: the sample
classified mail (机密-筑教发2026-15号…eml, a docx attached) opened by the 机要员 showed 12 "pages" of headers and
base64 and the text note "原件文字无法提取（docx 文件损坏，压缩结构无法读取（BadZipFile））" — the message's bytes read
as a docx. Found by the tryout of 2026-12-06. Right values by hand: the attached docx is the 2-page notice on
2026年高考试卷保密管理 (its title and 发文字号 written from the sample)."""
from __future__ import annotations

import shutil

import pytest

from pipelines import desk
from pipelines.actors import Actor
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office

from ..environment import office_only
from .test_batch import SAMPLES

SECRET = "机密-筑教发2026-15号-高考试卷保密管理.eml"


@pytest.fixture(autouse=True)
def own_configuration(monkeypatch):
    office_only(monkeypatch)


def test_a_mails_page_shows_its_attached_document_not_the_message_source(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    shutil.copy(SAMPLES / "mail" / SECRET, root / "inbox" / "mail" / SECRET)
    run_batch(root, config=load(root, environ={}))
    with Office.open(root, load(root, environ={}), create=False) as office:
        view = desk.document(office, "收〔2026〕1号", actor=Actor("li", "confidential"))
    assert view.text_note == ""
    assert "贵阳市教育局关于做好2026年高考试卷保密管理工作的通知" in view.text.replace("\n", "")
    assert "筑教发〔2026〕15号" in view.text
    assert "Content-Type" not in view.text and "BadZipFile" not in view.text_note
    assert 2 <= view.pages <= 3, view.images_note  # the 2-page notice (LibreOffice may carry a line over); the source was 12
