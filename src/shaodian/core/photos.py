"""An uploaded photo (a complaint's, a task's evidence): checked to be an image, resized, re-encoded as JPEG without EXIF or location metadata."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from shaodian.errors import ServiceError

MAX_UPLOAD = 10 * 1024 * 1024
MAX_SIDE = 1280
Image.MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded


def clean_photo(data: bytes) -> bytes:
    """JPEG bytes of at most MAX_SIDE pixels a side; nothing of the original's metadata is kept."""
    if len(data) > MAX_UPLOAD:
        raise ServiceError.one("photo", "照片不能超过 10 MB", "The photo may not exceed 10 MB", "too_large")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("JPEG", "PNG", "WEBP", "GIF", "MPO"):
                raise UnidentifiedImageError(img.format)
            img = ImageOps.exif_transpose(img)  # keep the picture upright once the orientation tag is gone
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            # A new image from the pixels alone: no EXIF, GPS, XMP or ICC travels along.
            clean = Image.new("RGB", img.size)
            clean.paste(img)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ServiceError.one("photo", "请上传 JPEG 或 PNG 照片", "Upload a JPEG or PNG photo", "not_image") from None
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()
