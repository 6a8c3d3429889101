"""Copy the front-end libraries from ``node_modules`` into ``static/vendor``.

ECharts and htmx come from the npm registry through the committed
``package-lock.json`` (``npm ci`` at set-up); ``scripts/setup`` then runs
``python -m fenghuang.web.assets`` so the app serves them itself. Nothing is
fetched from a CDN at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fenghuang.errors import MissingDependencyError

__all__ = ["VENDOR_DIR", "VENDOR_FILES", "copy_assets", "missing_assets"]

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"

#: Target name → path inside node_modules.
VENDOR_FILES: dict[str, str] = {
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.LICENSE": "echarts/LICENSE",
    "htmx.LICENSE": "htmx.org/LICENSE",
}


def _default_node_modules() -> Path:
    return Path(__file__).resolve().parents[3] / "node_modules"


def missing_assets(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendor files that are not in place yet."""
    return [name for name in VENDOR_FILES if not (vendor_dir / name).is_file()]


def copy_assets(node_modules: Path | None = None, vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the vendor files; returns the paths written.

    Raises
    ------
    MissingDependencyError
        When ``node_modules`` lacks ECharts or htmx (run ``npm ci``).
    """
    src_root = node_modules or _default_node_modules()
    vendor_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rel in VENDOR_FILES.items():
        src = src_root / rel
        if not src.is_file():
            raise MissingDependencyError(rel.split("/")[0], "web (npm ci)")
        dst = vendor_dir / name
        shutil.copyfile(src, dst)
        written.append(dst)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m fenghuang.web.assets [NODE_MODULES]``."""
    args = sys.argv[1:] if argv is None else argv
    for path in copy_assets(Path(args[0]) if args else None):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
