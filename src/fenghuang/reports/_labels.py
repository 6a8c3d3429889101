"""Chinese and English labels shared by the workbooks and Word reports."""

from __future__ import annotations

__all__ = ["SYNTHETIC_NOTE"]

SYNTHETIC_NOTE = (
    "模拟数据（synthetic data）：本文件由凤凰平台根据模拟城市生成，不代表任何真实企业。"
)
