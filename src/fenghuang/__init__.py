"""Fenghuang 凤凰 — evaluation and transformation platform for resource-based cities.

Subpackages follow the annual workflow::

    sources → warehouse → engine → methods → evaluation → policy → reports / web
                                          ↘ monitor (city transformation)

See :mod:`fenghuang.errors` for the error hierarchy and :mod:`fenghuang.facts`
for the shared data model.
"""

from fenghuang._version import __version__

__all__ = ["__version__"]
