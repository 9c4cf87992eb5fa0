"""Uploaded documents: type sniffed from the bytes (not the name or the browser's claim), size
limited, images re-encoded without metadata (EXIF with GPS, camera serials …), stored in a
private directory that no URL serves (setting PARKING_UPLOAD_ROOT, default var/parking-uploads).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from PIL import Image, ImageOps, UnidentifiedImageError

from .constants import MAX_UPLOAD_BYTES

MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb


class UploadRejected(ValueError):
    pass


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class PrivateStorage(FileSystemStorage):
    """The upload directory, read from the settings at each use (tests point it elsewhere)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        default = settings.BASE_DIR / "var" / "parking-uploads"
        return str(getattr(settings, "PARKING_UPLOAD_ROOT", default))

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property  # type: ignore[override]
    def base_url(self) -> None:
        return None


def private_storage() -> Storage:
    return PrivateStorage()


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _reencode(content: bytes, kind: str) -> bytes:
    """Only the pixels survive: a new image from the raw bytes carries no metadata."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadRejected("The image is too large.")
            upright = ImageOps.exif_transpose(image)
            mode = "RGBA" if kind == "image/png" and "A" in upright.getbands() else "RGB"
            pixels = upright.convert(mode)
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UploadRejected("The image cannot be read.") from error
    out = io.BytesIO()
    if kind == "image/jpeg":
        clean.save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG")
    return out.getvalue()


def upload_clean(content: bytes) -> CleanFile:
    """The file as it may be stored, or UploadRejected (too large, not PDF/JPEG/PNG, broken)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRejected("The file is larger than 5 MB.")
    kind = sniff(content[:16])
    if kind is None:
        raise UploadRejected("Only PDF, JPEG and PNG files are accepted.")
    if kind == "application/pdf":
        if b"%%EOF" not in content[-1024:]:
            raise UploadRejected("The PDF file is incomplete.")
        return CleanFile(content, kind, "pdf")
    cleaned = _reencode(content, kind)
    return CleanFile(cleaned, kind, "jpg" if kind == "image/jpeg" else "png")
