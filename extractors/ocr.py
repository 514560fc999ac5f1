"""OCR engines behind one interface (文字识别引擎).

- `rapidocr` (default): the PP-OCR detection and recognition models shipped inside the rapidocr wheel,
  run by onnxruntime. Nothing is downloaded: the model paths are checked before the engine starts.
- `paddleocr`: the design card's library, installed with `pip install .[paddle]`, pointed at local
  model directories (SHOUWEN_PADDLE_MODEL_DIR) because its default models come from a hub.

An engine is built once per process (`get_engine`) and reused for every page of every document.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import UnusableInput

DEFAULT_ENGINE = os.environ.get("SHOUWEN_OCR_ENGINE", "rapidocr")


@dataclass
class OcrLine:
    """One recognised text line: its text, its box in pixels (x0, y0, x1, y1) and the confidence."""

    text: str
    box: tuple[float, float, float, float]
    score: float
    angle: float = 0.0  # slant of the line's top edge in degrees (arc text on a seal is slanted)


class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray) -> list[OcrLine]:
        """Text lines of a page image (H×W×3 uint8, BGR), in any order."""


class OcrUnavailable(UnusableInput):
    def __init__(self, reason: str):
        super().__init__(reason, "ocr-unavailable")


def default_runtime() -> str:
    """OpenVINO runs the same PP-OCR ONNX models 1.7× faster than onnxruntime on this class of CPU
    (bench/ocr_bench.py); onnxruntime stays the fallback and can be chosen with SHOUWEN_OCR_RUNTIME."""
    chosen = os.environ.get("SHOUWEN_OCR_RUNTIME")
    if chosen:
        return chosen
    import importlib.util

    return "openvino" if importlib.util.find_spec("openvino") else "onnxruntime"


class RapidOcrEngine:
    """PP-OCR det + rec (the models in the rapidocr wheel), driven here rather than through RapidOCR's pipeline.

    RapidOCR loads the models and does the pre- and post-processing (DB boxes, CTC decoding); the steps
    around them are ours, because they decide the time and memory of a page on two cores:
    - the detector sees a page at most DET_MAX_SIDE px on its long side, and of a large page only the part that
      holds ink, at that same scale (_detect);
    - the recogniser reads a page's lines in batches of similar width (sorted, so little is padding), each
      batch at most REC_BATCH_PIXELS of input (its activations bound the worker's memory);
    - on OpenVINO (the default) the detector runs on `threads` threads and the recogniser's batches run side by
      side, one stream a thread (_recogniser_on_streams); onnxruntime, the fallback, runs both on its threads;
    - the angle classifier is off: pages are turned upright beforehand (scan.straighten).
    Both models are loaded, and run once on a blank image, when the engine is built (once per worker).
    """

    name = "rapidocr"
    DET_MAX_SIDE = int(os.environ.get("SHOUWEN_OCR_MAX_SIDE", 1024))
    DET_MARGIN = 64  # px of paper kept round a page's ink for the detector (it needs white round a line)
    crop_to_ink = True  # the detector sees only a large page's inked part (_detect)
    REC_HEIGHT = 48  # the recogniser's input height (PP-OCR rec_img_shape 3×48×W)
    REC_MIN_WIDTH = 320  # a short crop is padded to this width, as PP-OCR trains its recogniser
    REC_BATCH_PIXELS = int(os.environ.get("SHOUWEN_OCR_REC_BATCH_PIXELS", 48 * 2048))  # 48 × widths summed
    REC_BATCH_MAX = 16
    REC_WIDTH_SCALE = float(os.environ.get("SHOUWEN_OCR_REC_WIDTH_SCALE", 0.75))
    TEXT_SCORE = 0.5  # lines read with less mean confidence are dropped (RapidOCR's Global.text_score)

    def __init__(self, threads: int | None = None, runtime: str | None = None):
        try:
            import rapidocr
            from rapidocr import EngineType, RapidOCR
        except ImportError as exc:
            raise OcrUnavailable("未安装文字识别引擎 rapidocr；请运行 scripts/setup.sh") from exc
        models = Path(os.environ.get("SHOUWEN_OCR_MODEL_DIR") or Path(rapidocr.__file__).parent / "models")
        needed = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
        missing = [m for m in needed if not (models / m).is_file()]
        if missing:
            raise OcrUnavailable(f"文字识别模型缺失（{'、'.join(missing)}，应随 rapidocr 安装包提供于 {models}）；"
                                 "本机不联网下载模型，请重新安装 rapidocr")
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)  # "no text detected" on a blank band is not news
        threads = threads or int(os.environ.get("SHOUWEN_OCR_THREADS", 0)) or max(1, min(2, os.cpu_count() or 1))
        params = {
            "Global.use_cls": False,
            "Global.log_level": "error",
            # "max": the detector's input is the page brought down to DET_MAX_SIDE on its long side; a small
            # crop (the page-number band, a region) is never blown up.
            "Det.limit_type": "max",
            "Det.limit_side_len": self.DET_MAX_SIDE,
            "Det.model_path": str(models / needed[0]),
            "Rec.model_path": str(models / needed[1]),
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self.runtime = runtime or default_runtime()
        if self.runtime == "openvino":
            params.update({"Det.engine_type": EngineType.OPENVINO, "Rec.engine_type": EngineType.OPENVINO,
                           "EngineConfig.openvino.inference_num_threads": threads,
                           "EngineConfig.openvino.performance_hint": "LATENCY",
                           "EngineConfig.openvino.num_streams": 1})
        elif self.runtime != "onnxruntime":
            raise OcrUnavailable(f"未知的推理后端“{self.runtime}”；可用：openvino、onnxruntime")
        self.threads = threads
        _large_arrays_back_to_the_system()
        pipeline = RapidOCR(params=params)
        self._det = pipeline._load_det_model()  # noqa: SLF001  (the pipeline's own loaders: models checked above)
        if self.runtime == "openvino":
            self._rec_run, self._characters = _recogniser_on_streams(models / needed[1], threads)
        else:
            rec = pipeline._load_rec_model()  # noqa: SLF001
            self._rec_run, self._characters = _recogniser_in_turn(rec.session), rec.postprocess_op.character
        if list(self._det.mean) == [0.5] * 3 and list(self._det.std) == [0.5] * 3:  # PP-OCR's det normalisation
            self._det.get_preprocess = lambda: _DetInput(self._det.limit_side_len, self._det.limit_type)
        # one page at a time per engine: the web desk registers uploads on a thread pool, and a model's requests
        # (and the recogniser's streams) serve one caller at a time
        self._lock = threading.Lock()
        self.read(np.full((64, 256, 3), 255, np.uint8))  # the runtime's first-call set-up belongs to the load
        self._rec_batches([np.full((self.REC_HEIGHT, self.REC_MIN_WIDTH, 3), 255, np.uint8)])

    def read(self, image: np.ndarray) -> list[OcrLine]:
        with self._lock:
            return self._read(image)

    def _read(self, image: np.ndarray) -> list[OcrLine]:
        from rapidocr.utils.process_img import get_rotate_crop_image

        quads = self._detect(image)
        if not quads:
            return []
        read = self._rec_batches([get_rotate_crop_image(image, q.copy()) for q in quads])
        out = []
        for quad, (text, score) in zip(quads, read):
            if text.strip() and score >= self.TEXT_SCORE:
                xs, ys = quad[:, 0], quad[:, 1]
                out.append(OcrLine(text=text, box=(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())),
                                   score=score, angle=_slant(quad)))
        return out

    def _detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text line quadrilaterals (4×2 float32, page pixels) of an H×W×3 BGR image.

        A page larger than DET_MAX_SIDE is brought down to it on its long side; the detector then sees only the
        part of the page that holds ink (a 公文's margins are 44 % of an A4 page), at that same scale: the
        same lines found for about half the detector's time."""
        h, w = image.shape[:2]
        x0 = y0 = 0
        limit = self.DET_MAX_SIDE
        if self.crop_to_ink and max(h, w) > self.DET_MAX_SIDE:
            inked = _inked_part(image, margin=self.DET_MARGIN)
            if inked is not None:
                x0, y0, x1, y1 = inked
                image = image[y0:y1, x0:x1]
                limit = max(32, round(max(y1 - y0, x1 - x0) * self.DET_MAX_SIDE / max(h, w)))
        self._det.limit_side_len = limit
        try:
            found = self._det(image)
        finally:
            self._det.limit_side_len = self.DET_MAX_SIDE
        if found.boxes is None or not len(found.boxes):
            return []
        return [np.asarray(q, dtype=np.float32) + np.float32((x0, y0)) for q in found.boxes]

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and mean confidence of each line image (H×W×3 uint8), in the order given."""
        with self._lock:
            return self._rec_batches(crops)

    def _rec_batches(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        widths = [self._rec_width(c) for c in crops]
        order = sorted(range(len(crops)), key=widths.__getitem__)
        batches = []
        start = 0
        while start < len(order):
            end = start + 1  # sorted by width: the batch's last crop is its widest, the one all are padded to
            while (end < len(order) and end - start < self.REC_BATCH_MAX
                   and widths[order[end]] * (end - start + 1) * self.REC_HEIGHT <= self.REC_BATCH_PIXELS):
                end += 1
            batches.append(order[start:end])
            start = end

        def tensors():  # made one at a time, as the runner asks: a page's batches are never all in memory
            for batch in batches:
                tensor = np.zeros((len(batch), 3, self.REC_HEIGHT, widths[batch[-1]]), np.float32)
                for row, index in enumerate(batch):
                    self._rec_input(crops[index], tensor[row])
                yield tensor

        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for batch, read in zip(batches, self._rec_run(tensors(), self._decode)):
            for index, result in zip(batch, read):
                out[index] = result
        return out

    def _rec_width(self, crop: np.ndarray) -> int:
        h, w = crop.shape[:2]
        scaled = int(np.ceil(self.REC_HEIGHT * w / max(h, 1) * self.REC_WIDTH_SCALE))
        return max(self.REC_MIN_WIDTH, -(-scaled // 8) * 8)

    def _rec_input(self, crop: np.ndarray, into: np.ndarray) -> None:
        """The crop at the recogniser's height, scaled to [-1, 1], left-aligned in `into` (3×48×W, zeros)."""
        import cv2

        h, w = crop.shape[:2]
        width = min(into.shape[2], max(1, int(np.ceil(self.REC_HEIGHT * w / max(h, 1) * self.REC_WIDTH_SCALE))))
        resized = cv2.resize(crop, (width, self.REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
        into[:, :, :width] = resized.transpose(2, 0, 1) / np.float32(127.5) - 1

    def _decode(self, preds: np.ndarray) -> list[tuple[str, float]]:
        """CTC greedy decoding (PP-OCR's CTCLabelDecode): best class per step, repeats and blanks (0) dropped."""
        best = preds.argmax(axis=2)
        prob = np.take_along_axis(preds, best[:, :, None], axis=2)[:, :, 0]
        out = []
        for steps, probs in zip(best, prob):
            keep = steps != 0
            keep[1:] &= steps[1:] != steps[:-1]
            chars = steps[keep]
            text = "".join(self._characters[c] for c in chars)
            out.append((text, float(probs[keep].mean()) if len(chars) else 0.0))
        return out


def _recogniser_in_turn(session):
    """run(tensors, decode) → decode(predictions) of each tensor, one batch after the other on a RapidOCR session
    (onnxruntime: its threads share each batch)."""
    def run(tensors, decode):
        return [decode(session(tensor)) for tensor in tensors]
    return run


def _recogniser_on_streams(model_path: Path, threads: int):
    """(run, characters): the recogniser compiled by OpenVINO with one stream (one thread) per core, and its
    alphabet (CTC blank first, the space last, as RapidOCR decodes).

    A recognition batch is a few lines 48 px high: split over two threads, much of each batch's time is the
    threads waiting for each other; two batches on two streams keep both cores busy. Compiled here, once,
    rather than by RapidOCR as well (each compiled copy costs about 150 MiB).
    run(tensors, decode) → decode(predictions) of each N×3×48×W tensor, in the order given. The tensors are
    pulled as streams come free, and each batch's predictions (N×W/8×18,710 float32: 19 MB for two lines)
    are decoded as soon as they come, so neither a page's inputs nor its predictions are all in memory."""
    import openvino as ov

    core = ov.Core()
    model = core.read_model(str(model_path))
    alphabet = model.get_rt_info()["framework"]["character"].value.splitlines()
    compiled = core.compile_model(model, "CPU", {
        "PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": threads, "INFERENCE_NUM_THREADS": threads})
    queue = ov.AsyncInferQueue(compiled, threads)

    def run(tensors, decode):
        done: dict[int, list] = {}
        queue.set_callback(lambda request, n: done.__setitem__(n, decode(request.get_output_tensor(0).data)))
        count = 0
        for count, tensor in enumerate(tensors, start=1):
            queue.start_async({0: tensor}, count - 1)  # waits for a free stream when every one is busy
        queue.wait_all()
        return [done[n] for n in range(count)]
    return run, ["blank", *alphabet, " "]


def _inked_part(image: np.ndarray, margin: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) px of the part of a white page that holds anything darker than light grey, widened by
    `margin`; None for a page with no ink. Found on every fourth pixel of the green channel (red text is
    already dark on a page made ready for OCR; the box is widened by the sampling step)."""
    import cv2

    small = np.ascontiguousarray(image[::4, ::4, 1])
    points = cv2.findNonZero((small < 200).astype(np.uint8))
    if points is None:
        return None
    x, y, w, h = cv2.boundingRect(points)
    height, width = image.shape[:2]
    return (max(0, 4 * x - margin), max(0, 4 * y - margin),
            min(width, 4 * (x + w) + margin), min(height, 4 * (y + h) + margin))


class _DetInput:
    """The detector's input as RapidOCR makes it (the page brought to the size limit, multiples of 32 px, scaled
    to [-1, 1], 1×3×H×W float32), by one OpenCV call instead of float64 numpy arithmetic (60 ms a page)."""

    def __init__(self, limit_side_len: int, limit_type: str):
        from rapidocr.ch_ppocr_det.utils import DetPreProcess

        self._resize = DetPreProcess(limit_side_len, limit_type).resize

    def __call__(self, image: np.ndarray) -> np.ndarray | None:
        import cv2

        resized = self._resize(image)
        if resized is None:
            return None
        return cv2.dnn.blobFromImage(resized, scalefactor=1 / 127.5, mean=(127.5, 127.5, 127.5), swapRB=False)


def _large_arrays_back_to_the_system() -> None:
    """Have glibc serve every allocation of 256 KiB or more (page images, the models' buffers) from mmap, so that
    it goes back to the system when freed. glibc's default threshold climbs with the first freed page image, and
    the pages that follow then stay in a fragmented heap: a worker's RSS crept up page after page (793 MiB
    peak on three documents, 719 with this). Does nothing where the C library is not glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def _slant(quad) -> float:
    """Degrees the top edge of a detected quadrilateral (top-left, top-right, …) departs from horizontal."""
    import math

    (x0, y0), (x1, y1) = quad[0][:2], quad[1][:2]
    return math.degrees(math.atan2(float(y1) - float(y0), float(x1) - float(x0))) if x1 != x0 or y1 != y0 else 0.0


class PaddleOcrEngine:
    """PaddleOCR (the design card's library) on local models only, through its ONNX Runtime engine.

    PaddleOCR's default models come from a hub, which an air-gapped office cannot reach. Its `engine=
    "onnxruntime"` loads a model directory holding `inference.onnx` and the `inference.yml` PaddleX reads;
    `paddle_model_dirs` makes those directories from the PP-OCRv6 models shipped in the rapidocr wheel
    (or SHOUWEN_PADDLE_MODEL_DIR points at det/ and rec/ directories of the office's own models).
    """

    name = "paddleocr"

    def __init__(self):
        try:
            from paddleocr import PaddleOCR
        except ImportError as exc:
            raise OcrUnavailable("未安装 PaddleOCR：请运行 pip install '.[paddle]'") from exc
        det, rec = paddle_model_dirs()
        logging.getLogger("paddlex").setLevel(logging.ERROR)
        self._engine = PaddleOCR(
            engine="onnxruntime",
            text_detection_model_name=_model_name(det), text_detection_model_dir=str(det),
            text_recognition_model_name=_model_name(rec), text_recognition_model_dir=str(rec),
            use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
            text_det_limit_side_len=1280, text_det_limit_type="max")

    def read(self, image: np.ndarray) -> list[OcrLine]:
        out = []
        for page in self._engine.predict(image):
            for poly, text, score in zip(page["rec_polys"], page["rec_texts"], page["rec_scores"]):
                xs, ys = [p[0] for p in poly], [p[1] for p in poly]
                out.append(OcrLine(text=text, box=(float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))),
                                   score=float(score), angle=_slant(poly)))
        return out


def paddle_model_dirs() -> tuple[Path, Path]:
    """det/ and rec/ model directories for PaddleOCR, made once from rapidocr's ONNX models if need be."""
    configured = os.environ.get("SHOUWEN_PADDLE_MODEL_DIR")
    if configured:
        root = Path(configured)
        if not (root / "det").is_dir() or not (root / "rec").is_dir():
            raise OcrUnavailable(f"PaddleOCR 模型目录 {root} 中应有 det 与 rec 两个子目录")
        return root / "det", root / "rec"
    try:
        import rapidocr
    except ImportError as exc:
        raise OcrUnavailable("PaddleOCR 需要本地模型：请设置 SHOUWEN_PADDLE_MODEL_DIR，或安装 rapidocr 以使用其自带模型") from exc
    source = Path(rapidocr.__file__).parent / "models"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "shouwen" / "paddle-models"
    det, rec = root / "PP-OCRv6_small_det", root / "PP-OCRv6_small_rec"
    if not (det / "inference.yml").is_file() or not (rec / "inference.yml").is_file():
        _write_model_dir(det, source / "PP-OCRv6_det_small.onnx", _DET_YML)
        _write_model_dir(rec, source / "PP-OCRv6_rec_small.onnx",
                         _REC_YML + _character_dict(source / "PP-OCRv6_rec_small.onnx"))
    return det, rec


def _write_model_dir(directory: Path, onnx: Path, yml: str) -> None:
    if not onnx.is_file():
        raise OcrUnavailable(f"文字识别模型缺失（{onnx}）；本机不联网下载模型，请重新安装 rapidocr")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "inference.onnx"
    if not target.exists():
        target.symlink_to(onnx)
    (directory / "inference.yml").write_text(yml, encoding="utf-8")


def _character_dict(onnx: Path) -> str:
    """The recogniser's alphabet, which the ONNX export keeps in its metadata, as a YAML list."""
    import json

    import onnxruntime

    session = onnxruntime.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    characters = session.get_modelmeta().custom_metadata_map["character"].split("\n")
    return "".join(f"  - {json.dumps(ch, ensure_ascii=False)}\n" for ch in characters)


# The preprocessing of the PP-OCRv6 ONNX models as RapidOCR runs them (mean and std 0.5), in PaddleX's words.
_DET_YML = """Global:
  model_name: PP-OCRv6_small_det
PreProcess:
  transform_ops:
  - DecodeImage: {channel_first: false, img_mode: BGR}
  - DetResizeForTest: {resize_long: 1280, limit_type: max}
  - NormalizeImage: {mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], scale: 0.00392156862745098, order: hwc}
  - ToCHWImage: null
PostProcess:
  name: DBPostProcess
  thresh: 0.3
  box_thresh: 0.5
  max_candidates: 1000
  unclip_ratio: 1.6
"""
_REC_YML = """Global:
  model_name: PP-OCRv6_small_rec
PreProcess:
  transform_ops:
  - DecodeImage: {channel_first: false, img_mode: BGR}
  - RecResizeImg: {image_shape: [3, 48, 320]}
PostProcess:
  name: CTCLabelDecode
  character_dict:
"""


def _model_name(directory: Path) -> str | None:
    """PaddleX reads the model's name from its inference.yml (Global.model_name)."""
    config = directory / "inference.yml"
    if config.is_file():
        for line in config.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("model_name:"):
                return line.split(":", 1)[1].strip()
    return None


ENGINES = {"rapidocr": RapidOcrEngine, "paddleocr": PaddleOcrEngine}


@lru_cache(maxsize=None)
def get_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """The process's engine of that name, built on first use (models load once per worker)."""
    if name not in ENGINES:
        raise OcrUnavailable(f"未知的文字识别引擎“{name}”；可用：{'、'.join(ENGINES)}")
    return ENGINES[name]()


def read_region(region, engine_name: str | None = None) -> list[OcrLine]:
    """OCR one region of a page (a 密级 mark's corner, a stamp's band …) with the process's engine, loaded once.

    `region`: a PIL image (any mode) or a numpy array — H×W grey, H×W×3 BGR (OpenCV's order), or H×W×4 BGRA —
    of uint8 pixels, ideally at about 200 dpi (三号 text ≈ 40 px high). White paper is added round it (the
    detector needs a margin, and a strip wider than 8:1 is padded to that shape), so a crop tight to its
    text reads. Returns the lines found, top to bottom then left to right, with boxes in the region's own
    pixels; [] when nothing is read. Raises OcrUnavailable when the engine cannot be loaded.
    """
    image = _as_bgr(region)
    h, w = image.shape[:2]
    if h == 0 or w == 0:
        return []
    pad = max(48, h // 2)  # a page number 23 px high is found with 48 px of paper round it, not with 24
    pad_y = max(pad, (w // 8 - h) // 2)
    padded = np.full((h + 2 * pad_y, w + 2 * pad, 3), 255, np.uint8)
    padded[pad_y:pad_y + h, pad:pad + w] = image
    lines = (get_engine(engine_name) if engine_name else get_engine()).read(padded)
    out = [OcrLine(text=ln.text, box=(max(0.0, ln.box[0] - pad), max(0.0, ln.box[1] - pad_y),
                                      min(float(w), ln.box[2] - pad), min(float(h), ln.box[3] - pad_y)),
                   score=ln.score, angle=ln.angle) for ln in lines]
    return reading_order(out)


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines top to bottom; lines whose middles lie within half a line's height of each other form one row,
    read left to right."""
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        middle, half = (ln.box[1] + ln.box[3]) / 2, (ln.box[3] - ln.box[1]) / 2
        if rows and abs(middle - (rows[-1][0].box[1] + rows[-1][0].box[3]) / 2) <= half:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.box[0])]


def _as_bgr(region) -> np.ndarray:
    """A PIL image or an H×W / H×W×3 (BGR) / H×W×4 (BGRA) uint8 array as an H×W×3 BGR array."""
    import cv2

    if not isinstance(region, np.ndarray):  # a PIL image: its own modes ("1", "L", "P", "RGBA" …) → RGB
        return cv2.cvtColor(np.asarray(region.convert("RGB")), cv2.COLOR_RGB2BGR)
    array = region if region.dtype == np.uint8 else np.clip(region, 0, 255).astype(np.uint8)
    if array.ndim == 2:
        return cv2.cvtColor(array, cv2.COLOR_GRAY2BGR)
    if array.ndim == 3 and array.shape[2] == 4:
        return cv2.cvtColor(array, cv2.COLOR_BGRA2BGR)
    if array.ndim == 3 and array.shape[2] == 3:
        return np.ascontiguousarray(array)
    raise ValueError(f"区域图像的形状无法识别：{array.shape}")
