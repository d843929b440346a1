"""The great-expectations Data Docs, readable offline (see quality/vendor/README.md).

After each rendering, every page's scripts and styles from CDNs point to the copies in the site's
static/vendor/ folder (Font Awesome becomes our icons.css: the icons as text); what we do not ship
(charts, dark theme) is dropped, and
GX's remote logo, which carries a tracking id, becomes the logo the site ships.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
REMOTE_TAG = re.compile(r"""<(script|link)\b[^>]*?\b(?:src|href)=["'](?:https?:)?//[^"']+["'][^>]*?/?>(?:\s*</script>)?""", re.I)
REMOTE_LOGO = re.compile(r"""src=["']https?://great-expectations-web-assets[^"']*/logo-long\.png[^"']*["']""")
REMOTE_BACKGROUND = re.compile(r"""url\(['"]?https?://[^)]*\)""")


def _shipped(url: str) -> str | None:
    """Our copy of what `url` fetches, or None."""
    name = url.rsplit("/", 1)[-1]
    if re.fullmatch(r"jquery-[\d.]+\.min\.js", name):
        name = "jquery.min.js"
    elif "font-awesome" in url:
        name = "icons.css"  # the handful of icons the pages use, as text
    return name if (VENDOR / name).is_file() else None


def _local(tag: str, prefix: str) -> str:
    """A <script> or <link> tag pointing to our copy of what it fetched, or nothing when we ship none."""
    url = re.search(r"""\b(?:src|href)=["']([^"']+)["']""", tag).group(1)
    name = _shipped(url)
    if name is None:
        return ""
    tag = re.sub(r"""\s(?:integrity|crossorigin)=["'][^"']*["']""", "", tag)
    return tag.replace(url, f"{prefix}/vendor/{name}")


def localise(site: Path) -> int:
    """Rewrite every page of `site` (the local_site folder) to load nothing from the network; return the
    number of pages rewritten."""
    if not site.is_dir():
        return 0
    target = site / "static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for file in VENDOR.iterdir():
        if file.suffix in (".js", ".css"):
            shutil.copyfile(file, target / file.name)
    rewritten = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        prefix = os.path.relpath(site / "static", page.parent).replace(os.sep, "/")

        new = REMOTE_TAG.sub(lambda m, prefix=prefix: _local(m.group(0), prefix), text)
        new = REMOTE_LOGO.sub(f'src="{prefix}/images/logo-long.png"', new)
        new = REMOTE_BACKGROUND.sub("none", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            rewritten += 1
    return rewritten
