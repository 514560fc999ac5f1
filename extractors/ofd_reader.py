"""OFD → layout model: the entry point (OFD 读取); the reader itself lives in extractors/ofd/."""
from .ofd import open_ofd, read_ofd, render_page

__all__ = ["read_ofd", "open_ofd", "render_page"]
