"""A text PDF 公文 whose 密级 mark is an image (a stamp pasted on the 版头), not text: python make_pdf_image_mark.py OUT.pdf"""
import io
import pathlib
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

sys.path.insert(0, ".")
from tests import builder  # noqa: E402

fd = pathlib.Path(tempfile.mkdtemp())
spec = builder.conformant_notice()
spec.title = spec.title.replace("关于", "关于防汛工程乙")
base = builder.write_named_font_pdf(spec, fd / "base.pdf", fd)
img = Image.new("RGB", (600, 120), "white")
ImageDraw.Draw(img).text((10, 10), "机密★1年", fill="black", font=ImageFont.truetype(str(builder._find_cjk_font()), 90))
buf = io.BytesIO()
c = canvas.Canvas(buf, pagesize=A4)
c.drawImage(ImageReader(img), 28 / 25.4 * 72, A4[1] - 30 / 25.4 * 72, width=40 / 25.4 * 72, height=8 / 25.4 * 72)
c.save()
stamp = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
writer = PdfWriter(clone_from=str(base))
writer.pages[0].merge_page(stamp)
with open(sys.argv[1], "wb") as f:
    writer.write(f)
