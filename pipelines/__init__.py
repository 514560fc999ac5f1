"""The steps a flow strings together (流程步骤): review, and later intake, ledger, routing, returns; and the CLI."""
