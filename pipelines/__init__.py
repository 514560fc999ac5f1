"""The office's steps and state (收文的步骤与状态): intake, review, the 机要 policy, dispositions, the batch's
sequence, the ledger, the desk both faces call, and the CLI. See docs/architecture/ (the site) and its appendix."""
