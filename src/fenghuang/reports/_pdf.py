"""Convert a Word document to PDF with LibreOffice (headless)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from fenghuang.errors import MissingDependencyError, SourceError

__all__ = ["docx_to_pdf"]


def docx_to_pdf(
    docx: str | Path, out_dir: str | Path | None = None, *, timeout: float = 180
) -> Path:
    """Convert ``docx`` to PDF with ``soffice --headless``; return the PDF path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise MissingDependencyError("libreoffice (Debian: libreoffice-writer-nogui)", "reports")
    docx = Path(docx)
    out = Path(out_dir) if out_dir else docx.parent
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(docx),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    pdf = out / (docx.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise SourceError(
            "E-REPORT-PDF",
            zh="Word 转 PDF 失败",
            en="converting the Word file to PDF failed",
            file=str(docx),
            hint_en=proc.stderr.decode(errors="replace")[-300:],
        )
    return pdf
