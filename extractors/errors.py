"""The one error an extractor raises for input it cannot use (无法处理的文件)."""


class UnusableInput(Exception):
    """A file that cannot be read: its reason is Chinese, for the clerk and the sender.

    `code` is a short stable English key (empty, encrypted, corrupt, too-large, hostile, unsupported,
    timeout) for logs, tests and quarantine statistics.
    """

    def __init__(self, reason: str, code: str = "corrupt"):
        super().__init__(reason)
        self.reason = reason
        self.code = code
