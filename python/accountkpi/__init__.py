"""accountkpi: the KPIs of account management over a company's book of client accounts.

Build a :class:`Book` from pandas frames or CSV files (or take the demo book), then compute retention, churn,
NRR, satisfaction, responsiveness, margins, concentration and lifetime value, per period and per manager,
region, tier or segment.

Examples
--------
>>> import accountkpi as ak
>>> book = ak.datasets.demo_book(seed=0)
>>> book.n_accounts
300
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "accountkpi's compiled core (accountkpi._core) is missing or does not load. Install the package with "
        "'pip install .' from the source tree (it compiles the C++ core); see README.md. Cause: " + str(exc)
    ) from exc

from . import bridge, compare, concentration, datasets, health, kpi, ltv, plot, report, tiers, whatif
from ._dates import Period, periods
from .book import Book, ValidationError
from .kpi import DataCoverageWarning, Scope

__version__: str = _core.__version__

__all__ = [
    "Book",
    "DataCoverageWarning",
    "Period",
    "Scope",
    "ValidationError",
    "__version__",
    "bridge",
    "compare",
    "concentration",
    "datasets",
    "health",
    "kpi",
    "ltv",
    "periods",
    "plot",
    "report",
    "tiers",
    "whatif",
]
