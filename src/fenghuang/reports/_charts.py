"""Charts for the Word reports (matplotlib, rendered to PNG bytes, CJK fonts)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["class_distribution_png", "indicator_bars_png"]

_CJK_FAMILIES = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "SimHei",
    "DejaVu Sans",
]
_CLASS_COLOURS = {"A": "#2e7d32", "B": "#1565c0", "C": "#f9a825", "D": "#c62828", "T": "#8e24aa"}


def _rc() -> Any:
    return {
        "font.sans-serif": _CJK_FAMILIES,
        "font.family": "sans-serif",
        "axes.unicode_minus": False,
        "figure.dpi": 150,
    }


def class_distribution_png(
    counts: Mapping[str, Mapping[str, int]],
    classes: Sequence[str],
    *,
    title: str,
) -> bytes:
    """A stacked horizontal bar chart of class counts per group.

    Parameters
    ----------
    counts : mapping
        Group name → {class → number of firms}.
    classes : sequence of str
        Classes in stacking order, e.g. ``("A", "B", "C", "D")``.
    title : str
        Chart title (Chinese).

    Returns
    -------
    bytes
        A PNG image.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    groups = list(counts)
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(7.0, 0.45 * max(len(groups), 3) + 1.2))
        left = [0.0] * len(groups)
        for cls in classes:
            vals = [float(counts[g].get(cls, 0)) for g in groups]
            ax.barh(groups, vals, left=left, label=cls, color=_CLASS_COLOURS.get(cls, "#999999"))
            left = [a + b for a, b in zip(left, vals, strict=True)]
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of firms: whole numbers
        ax.set_xlabel("企业数")
        ax.set_title(title, pad=24)
        # one row of classes between the title and the bars: long group names
        # (行业大类) keep the width for the bars instead of sharing it with a legend
        ax.legend(
            ncols=len(classes),
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            fontsize=8,
            frameon=False,
        )
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()


def indicator_bars_png(
    labels: Sequence[str],
    firm: Sequence[float],
    reference: Sequence[float],
    *,
    title: str,
    firm_label: str = "本企业",
    reference_label: str = "行业中位数",
) -> bytes:
    """Grouped bars of a firm's item scores against a reference (e.g. industry median)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    x = np.arange(len(labels))
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(7.0, 3.2))
        ax.bar(x - 0.2, firm, 0.4, label=firm_label, color="#1565c0")
        ax.bar(x + 0.2, reference, 0.4, label=reference_label, color="#9e9e9e")
        ax.set_xticks(x, labels, fontsize=8)
        ax.set_ylabel("得分")
        ax.set_title(title)
        ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()
