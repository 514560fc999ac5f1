"""A mail whose main 公文 is open but whose 附件1 is a 机密 text: python make_mail_cls_attachment.py OUT.eml"""
import email.message
import sys

body = open("/work/wt/tryout2/samples/inbox/mail/筑教呈2026-6号-开学工作报告.txt", encoding="utf-8").read()
secret = body.replace("贵阳市教育局\n", "机密★1年\n\n贵阳市教育局\n", 1).replace("秋季学期开学工作情况", "蛟龙项目选址情况")
m = email.message.EmailMessage()
m["From"] = "贵阳市教育局办公室 <bgs@jyj.example>"; m["To"] = "sw@gov.example"; m["Subject"] = "报送开学报告及蛟龙项目材料"
m["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
m.set_content("请查收。")
m.add_attachment(body.replace("6号", "61号").encode(), maintype="text", subtype="plain", filename="开学工作报告.txt")
m.add_attachment(secret.encode(), maintype="text", subtype="plain", filename="附件1-机密-蛟龙项目选址.txt")
open(sys.argv[1], "wb").write(bytes(m))
