"""OFD (GB/T 33190-2016 版式文档) reader: container, resources, content, fonts, seals, rendering."""
from .reader import open_ofd, read_ofd
from .render import render_page

__all__ = ["read_ofd", "open_ofd", "render_page"]
