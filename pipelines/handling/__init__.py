"""承办 and 督办 (handling and supervision): from a document routed to a department to 办结 and 归档.

    ops.py        the steps as plain functions (Office, actor → dataclasses; HandlingRefusal): 拟办, 批办, 签收,
                  退回, 办理情况, 延期, 答复, 办结, 传阅/已阅, 归档; open_for_routed / moved / sync
    model.py      events and the state they make (one fold)
    store.py      the feature's tables (seam S1)
    words.py      办件 or 阅件 from a 批示's words (instruction_words.toml, overridable)
    calendar.py   working days: chinesecalendar + the office's holidays.toml; an unknown year is said
    deadlines.py  办理期限 by kind and urgency ([handling] in shouwen.toml)
    queries.py    督办 lists: overdue and due within N working days, per department and leader
    remind.py     催办: the scheduled batch's reminder step (records each 催办, writes the notices)
    report.py     the monthly 督查专报's numbers;  forms.py  收文处理单, 督查专报 (docx + xlsx), 催办通知
    subscribers.py  seam S4: ROUTED opens a record, REROUTED moves it
    cli.py        the `shouwen` commands (due, instruct, done, …), registered in one place
Importing this package imports nothing else: each module is imported where it is used.
"""
