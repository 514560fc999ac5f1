#!/bin/bash
# Reproductions of the tryout2 findings (each block stands alone; run from the repository root).
# S is `shouwen` running this checkout.
S="${S:-/work/main/.venv/bin/python -m pipelines.cli}"
set -u

f1_symlinked_channel_dir() {   # F1: an inbox channel folder that is a symlink is followed; files outside the root are moved in
  R=/tmp/f1; rm -rf $R /tmp/f1-outside; mkdir -p $R/inbox /tmp/f1-outside
  cp samples/inbox/edoc/筑教发2026-12号-冬季学校安全工作通知.docx /tmp/f1-outside/outside.docx
  ln -s /tmp/f1-outside $R/inbox/edoc
  $S run --root $R; ls -la /tmp/f1-outside   # expected: refused (link), outside.docx untouched
}
f1b_symlinked_maildir_new() {  # F1b: maildir new/ a symlink to an outside folder; a symlinked message file is silently skipped
  R=/tmp/f1b; rm -rf $R /tmp/f1b-out; mkdir -p $R/inbox/mail/md1/{cur,tmp} $R/inbox/mail/md2/{cur,new,tmp} /tmp/f1b-out
  cp samples/inbox/mail/*.eml /tmp/f1b-out/secret.eml; cp samples/inbox/mail/*.eml /tmp/f1b-out/other.eml
  ln -s /tmp/f1b-out $R/inbox/mail/md1/new
  ln -s /tmp/f1b-out/other.eml $R/inbox/mail/md2/new/link.eml
  $S run --root $R; ls /tmp/f1b-out; ls -la $R/inbox/mail/md2/new $R/quarantine
}
f2_rebuild_ledger_forgets_decisions() {  # F2: rebuild-ledger loses 机要员 decisions, shows classified file names, invents 收文 from mail attachments
  R=/tmp/f2; rm -rf $R; $S run --samples --root $R >/dev/null
  $S route 收〔2026〕3号 机要室 --root $R          # clerk/机要员: found classified, out of search
  rm $R/ledger.sqlite3; $S rebuild-ledger --root $R
  $S ledger --root $R                              # 7号 shows "机密-…高考试卷保密管理.eml"; a new 10号 "<sha>.docx" (the mail's attachment)
  $S run --root $R; $S search 冬季 --root $R       # 3号 is back in search
}
f3_reindex_drops_released() {  # F3: a held document released by the 机要员 disappears from search at the next reindex
  R=/tmp/f3; rm -rf $R; mkdir -p $R/inbox/edoc
  sed '1i 密级：▇▇\n' "samples/inbox/mail/筑教呈2026-6号-开学工作报告.txt" > $R/inbox/edoc/held.txt
  $S run --root $R; $S release 收〔2026〕1号 --root $R; $S search 开学 --root $R
  $S reindex --root $R                             # says "收〔2026〕1号 原件无法读取，未入检索"
  $S search 开学 --root $R; $S ledger --root $R    # 0 hits, ledger still 已入检索
}
f4_migrate_split_brain() {  # F4: after migrate, the old SQLite still registers; the same 收文编号 twice, index entry overwritten
  : "needs a PostgreSQL URL in \$PG (tryout-findings/pg_server.py writes one to /tmp/tw-pg.env)"
  R=/tmp/f4; rm -rf $R; $S run --samples --root $R >/dev/null; $S migrate --root $R --to "$PG"
  sed 's/开学工作/甲事项/' "samples/inbox/mail/筑教呈2026-6号-开学工作报告.txt" > $R/inbox/edoc/a.txt; $S run --root $R       # SQLite: 10号
  sed 's/开学工作/乙事项/' "samples/inbox/mail/筑教呈2026-6号-开学工作报告.txt" > $R/inbox/edoc/b.txt; SHOUWEN_LEDGER_URL="$PG" $S run --root $R  # PG: 10号 again
  $S search 甲事项 --root $R    # gone: overwritten by b.txt in the shared index
}
f5_password_printed() {  # F5: passwords printed for an unsupported scheme (SQLAlchemy style) and for ?password=
  SHOUWEN_LEDGER_URL='postgresql+psycopg://u:Sup3rS3cret@db/x' $S config --root /tmp/f5
  SHOUWEN_LEDGER_URL='postgresql://u@/x?host=/nonexistent&password=Sup3rS3cret' $S ledger --root /tmp/f5
  SHOUWEN_LEDGER_URL='postgresql://u@/x?host=/tmp&password=Sup3rS3cret' $S config --root /tmp/f5
}
f6_mail_classified_attachment() {  # F6: a 机密 附件 in a mail with an open 主件 goes to an ordinary department, 机要员 not told
  R=/tmp/f6; rm -rf $R; mkdir -p $R/inbox/mail
  /work/main/.venv/bin/python tryout-findings/make_mail_cls_attachment.py $R/inbox/mail/mixed.eml
  $S run --root $R; $S ledger --root $R
}
"${1:-true}"
