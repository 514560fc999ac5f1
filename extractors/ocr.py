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
    """PP-OCR det + rec through RapidOCR; the angle classifier is off: pages are turned upright beforehand."""

    name = "rapidocr"

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
        threads = threads or max(1, min(2, os.cpu_count() or 1))
        params = {
            "Global.use_cls": False,
            "Global.log_level": "error",
            # The detector sees a page at most 1280 px tall (三号 text ≈ 23 px): as accurate as 2000 px, twice as fast.
            # "max" also keeps a small crop (the page-number band) from being blown up to 736 px high.
            "Global.max_side_len": 2400,
            "Det.limit_type": "max",
            "Det.limit_side_len": int(os.environ.get("SHOUWEN_OCR_MAX_SIDE", 1280)),
            "Det.model_path": str(models / needed[0]),
            "Rec.model_path": str(models / needed[1]),
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self.runtime = runtime or default_runtime()
        if self.runtime == "openvino":
            params.update({"Det.engine_type": EngineType.OPENVINO, "Rec.engine_type": EngineType.OPENVINO,
                           "EngineConfig.openvino.inference_num_threads": threads})
        elif self.runtime != "onnxruntime":
            raise OcrUnavailable(f"未知的推理后端“{self.runtime}”；可用：openvino、onnxruntime")
        self._engine = RapidOCR(params=params)

    def read(self, image: np.ndarray) -> list[OcrLine]:
        result = self._engine(image, use_cls=False)
        if result.boxes is None or result.txts is None:
            return []
        out = []
        for box, text, score in zip(result.boxes, result.txts, result.scores):
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            out.append(OcrLine(text=text, box=(float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))),
                               score=float(score), angle=_slant(box)))
        return out


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
