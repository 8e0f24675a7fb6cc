"""Does the health score predict churn on your book? Its backtest, and its weights fitted to your history.

:func:`backtest` scores every client at the end of each period with :func:`accountkpi.health.health` and
checks the scores against who churned within the next ``horizon`` periods: the AUC (the chance that a client
who left scored lower than one who stayed; 0.5 is a coin), the churn rate among the riskiest tenth against
the book's (lift), the churn rate by health band, and the same per period with the churners behind each.

:func:`fit_weights` fits the components' weights to the book's own history (a non-negative ridge logistic
regression of churn on each component's shortfall and on the unanswered requests, fitted by Newton's method
in the C++ core), trained on the earlier periods and validated on the later ones against the default
weights. Nothing is adopted silently: the defaults (:data:`accountkpi.health.DEFAULT_WEIGHTS`) stay until
you pass ``**fit.options`` to :func:`accountkpi.health.health` yourself.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._dates import Period, as_periods
from ._health_components import COMPONENTS

if TYPE_CHECKING:
    from .book import Book

__all__ = ["Backtest", "WeightsFit", "backtest", "fit_weights"]


@dataclass(frozen=True)
class Backtest:
    """How well a health score ranked the clients that churned (see :func:`backtest`).

    Attributes
    ----------
    auc : float
        Chance that a client who churned had a lower health than one who stayed (ties count one half);
        all periods pooled. 1 = perfect, 0.5 = chance, NaN without churners or stayers.
    top_decile_precision, top_decile_lift, top_decile_recall : float
        Churn rate among the tenth of clients with the lowest health (ties at the cut in proportion), that
        rate over the overall ``churn_rate``, and the share of all churners it holds.
    churn_rate : float
        Churners / scored clients.
    accounts, churners, unscored, unscored_churners : int
        Scored client-periods, of which churned; client-periods without a health (NaN), of which churned.
    horizon : int
    periods : DataFrame
        One row per period: ``period, accounts, churners, unscored, unscored_churners, churn_rate, auc,
        top_decile_precision, top_decile_lift, top_decile_recall``.
    bands : DataFrame
        Churn by health band (pooled): ``band, lower, upper, accounts, churners, churn_rate,
        share_of_churners``.
    roc : DataFrame
        The ROC curve (pooled): ``threshold, false_positive_rate, true_positive_rate``; a client is flagged
        when its health is at most the threshold.
    scores : DataFrame
        The observations: ``period, account_id, health, churned``.
    """

    auc: float
    top_decile_precision: float
    top_decile_lift: float
    top_decile_recall: float
    churn_rate: float
    accounts: int
    churners: int
    unscored: int
    unscored_churners: int
    horizon: int
    periods: pd.DataFrame = field(repr=False)
    bands: pd.DataFrame = field(repr=False)
    roc: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One sentence: AUC, lift of the riskiest tenth, and the churners behind them."""
        return (
            f"AUC {self.auc:.2f} over {self.accounts:,} client-periods ({self.churners} churned within "
            f"{self.horizon} period(s)); the riskiest tenth churned at {self.top_decile_precision:.1%}, "
            f"{self.top_decile_lift:.1f}x the {self.churn_rate:.1%} of all clients"
        )


@dataclass(frozen=True)
class WeightsFit:
    """Health weights fitted to a book's history and validated out of time (see :func:`fit_weights`).

    Attributes
    ----------
    weights : dict
        One weight per component, >= 0, summing to 1.
    unanswered_penalty : float
        Points off the score per unanswered request, on the fitted model's scale.
    train_periods, test_periods : list of Period
        Fitted on the former, validated on the latter.
    auc_train : float
        AUC of the fitted weights on the training periods (in sample).
    auc_test, auc_test_default : float
        AUC on the test periods of the fitted weights and of the weights given (default: the defaults).
    coefficients : Series
        The logistic model's coefficients: per component shortfall ``(100 - component) / 100`` and per
        unanswered request (log odds of churn); ``intercept`` apart.
    intercept : float
    rows, churners : int
        Observations fitted (client-periods with at least one component), of which churned.
    l2 : float
    converged : bool
    iterations : int
    """

    weights: dict[str, float]
    unanswered_penalty: float
    train_periods: list[Period]
    test_periods: list[Period]
    auc_train: float
    auc_test: float
    auc_test_default: float
    coefficients: pd.Series = field(repr=False)
    intercept: float
    rows: int
    churners: int
    l2: float
    converged: bool
    iterations: int

    @property
    def options(self) -> dict[str, Any]:
        """``{"weights": ..., "unanswered_penalty": ...}``: ``health(book, period, **fit.options)``."""
        return {"weights": dict(self.weights), "unanswered_penalty": self.unanswered_penalty}

    def summary(self) -> str:
        """The weights, the penalty and the out-of-time AUC against the weights it was compared with."""
        w = ", ".join(f"{c} {v:.2f}" for c, v in sorted(self.weights.items(), key=lambda kv: -kv[1]))
        return (
            f"weights {w}; {self.unanswered_penalty:.1f} points per unanswered request; out of time "
            f"({len(self.test_periods)} periods) AUC {self.auc_test:.3f} against {self.auc_test_default:.3f}"
        )


def _distinct_periods(periods: Iterable[Period | str] | Period | str) -> list[Period]:
    out = as_periods(periods)
    repeated = sorted({p.label for p in out if out.count(p) > 1})
    if repeated:
        raise ValueError(f"periods given more than once: {repeated}")
    return out


def _following(period: Period, horizon: int) -> Period:
    """The ``horizon`` periods just after ``period``, of its length (in months when made of whole months)."""
    months = period.months
    if months == int(months) and period.begin.day == 1:
        end = (pd.Timestamp(period.end) + pd.DateOffset(months=int(months) * horizon)).date()
    else:
        end = period.end + _dt.timedelta(days=period.days * horizon)
    return Period(period.end, end)


def _observations(
    book: Book, periods: list[Period], horizon: int, health_options: dict[str, Any]
) -> pd.DataFrame:
    """Every client at the end of each period with its health (and components) and whether it churned
    within the next ``horizon`` periods."""
    scoped = any(health_options.get(k) is not None for k in ("scope", "manager", "accounts"))
    if not (isinstance(horizon, (int, np.integer)) and horizon >= 1):
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon!r}")
    span = book.span
    frames = []
    for k, p in enumerate(periods):
        window = _following(p, horizon)
        if span is None or window.end > span.end:
            last = "no dated events" if span is None else f"data up to {span.end - _dt.timedelta(days=1)}"
            raise ValueError(
                f"period {p.label}: churn within the next {horizon} period(s) ({window.label}) is not known "
                f"yet ({last}); backtest earlier periods"
            )
        h = book.health(p, **health_options)
        out = book.kpis(window, by="account", kpis=["clients_start", "churned_clients"])
        out = out[out["clients_start"] > 0]
        if scoped:  # the scope's clients only (health lists them all, scored or not)
            out = out[out["account_id"].isin(h["account_id"])]
        obs = out[["account_id"]].merge(h, on="account_id", how="left")
        obs["churned"] = out["churned_clients"].to_numpy() > 0
        obs.insert(0, "period", k)
        frames.append(obs)
    return pd.concat(frames, ignore_index=True)


def _run(
    obs: pd.DataFrame, n_periods: int, band_edges: tuple[float, float], top_share: float
) -> dict[str, Any]:
    return _core.health.backtest(
        obs["health"].to_numpy(dtype=np.float64, na_value=np.nan),
        obs["churned"].to_numpy(dtype=np.uint8),
        obs["period"].to_numpy(dtype=np.int32),
        n_periods,
        list(band_edges),
        top_share,
    )


def backtest(
    book: Book,
    periods: Iterable[Period | str] | Period | str,
    horizon: int = 1,
    *,
    top_share: float = 0.1,
    **health_options: Any,
) -> Backtest:
    """Backtest of the health score: the health of every client at the end of each period against churn
    within the next ``horizon`` periods.

    Parameters
    ----------
    book : Book
    periods : Period, str or iterable
        One period or several, each a Period or its label, e.g.
        ``ak.periods("2023-01-01", "2025-10-01", "Q")``. The churn window after each is the next ``horizon``
        periods of the same length; it must end within the book's data.
    horizon : int
        Periods ahead in which a churn counts (1: the next quarter after a quarter).
    top_share : float
        The riskiest share whose precision and lift are reported (default a tenth).
    **health_options
        Passed to :func:`accountkpi.health.health` (``weights``, ``bands``, ``unanswered_penalty``,
        ``scope``, ``sla_days``, ...); the calibration uses its ``bands``.

    Returns
    -------
    Backtest
        Clients without a health (fewer than ``min_components`` components defined) are counted as
        ``unscored``, never dropped.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> bt = ak.health.backtest(book, ak.periods("2023-01-01", "2025-10-01", "Q"))
    >>> bool(bt.auc > 0.7), len(bt.periods)
    (True, 11)
    >>> bt.bands["band"].tolist()
    ['at_risk', 'watch', 'healthy']
    """
    ps = _distinct_periods(periods)
    bands = tuple(health_options.get("bands", (40.0, 70.0)))
    obs = _observations(book, ps, horizon, health_options)
    r = _run(obs, len(ps), bands, top_share)
    overall = r["overall"]
    per = pd.DataFrame(r["periods"])
    per = per.rename(columns={f"top_{k}": f"top_decile_{k}" for k in ("precision", "lift", "recall")})
    per.insert(0, "period", [p.label for p in ps])
    band = pd.DataFrame(r["bands"])
    band.insert(0, "band", ["at_risk", "watch", "healthy"])  # health's bands: below the first, the second
    scores = obs[["period", "account_id", "health", "churned"]].copy()
    scores["period"] = pd.Categorical.from_codes(scores["period"].to_numpy(), [p.label for p in ps])
    return Backtest(
        auc=overall["auc"],
        top_decile_precision=overall["top_precision"],
        top_decile_lift=overall["top_lift"],
        top_decile_recall=overall["top_recall"],
        churn_rate=overall["churn_rate"],
        accounts=overall["accounts"],
        churners=overall["churners"],
        unscored=overall["unscored"],
        unscored_churners=overall["unscored_churners"],
        horizon=int(horizon),
        periods=per,
        bands=band,
        roc=pd.DataFrame(r["roc"]),
        scores=scores,
    )


def _auc(obs: pd.DataFrame) -> float:
    return float(
        _core.health.ranking(
            obs["health"].to_numpy(dtype=np.float64, na_value=np.nan), obs["churned"].to_numpy(dtype=np.uint8)
        )["auc"]
    )


def fit_weights(
    book: Book,
    periods: Iterable[Period | str] | Period | str,
    horizon: int = 1,
    *,
    test_periods: int | None = None,
    l2: float = 1.0,
    **health_options: Any,
) -> WeightsFit:
    """Health weights fitted to the book's own churn, validated out of time.

    A logistic model of churn within ``horizon`` periods on each component's shortfall
    ``(100 - component) / 100`` and on the unanswered requests, coefficients >= 0 and a ridge penalty
    ``l2``, fitted on the earlier periods; the weights are the shortfalls' coefficients normalised to sum 1
    and ``unanswered_penalty`` the unanswered coefficient on the score's scale, so that the score ranks as
    the model does. A component missing for an account counts as the mean of its other components (as the
    score's renormalised weights treat it). Then both the fitted and the given (default) weights are
    backtested on the later periods.

    Parameters
    ----------
    book : Book
    periods : Period, str or iterable
        One period or several, each a Period or its label, in time order (sorted by begin here).
    horizon : int
    test_periods : int, optional
        The last periods kept out of the fit to validate it (default a third, at least 1); 0 fits on all
        periods and leaves the out-of-time figures NaN.
    l2 : float
        Ridge penalty on the coefficients (not the intercept), >= 0.
    **health_options
        Passed to :func:`accountkpi.health.health` (e.g. ``cadence_target``, ``sla_days``); ``weights`` and
        ``unanswered_penalty`` given here are the ones the fit is compared with.

    Returns
    -------
    WeightsFit
        Adopt it explicitly: ``ak.health.health(book, period, **fit.options)``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> fit = ak.health.fit_weights(book, ak.periods("2023-01-01", "2025-10-01", "Q"))
    >>> round(sum(fit.weights.values()), 6), len(fit.train_periods), len(fit.test_periods)
    (1.0, 8, 3)
    >>> bool(fit.auc_test >= fit.auc_test_default)
    True
    """
    ps = sorted(_distinct_periods(periods), key=lambda p: (p.begin, p.end))
    n_test = max(1, len(ps) // 3) if test_periods is None else int(test_periods)
    if not 0 <= n_test < len(ps):
        raise ValueError(
            f"test_periods must leave at least one of the {len(ps)} periods to fit on, got {test_periods!r}"
        )
    train, test = ps[: len(ps) - n_test], ps[len(ps) - n_test :]
    obs = _observations(book, ps, horizon, health_options)
    fitted = obs[obs["period"] < len(train)]
    r = _core.health.fit_weights(
        fitted[list(COMPONENTS)].to_numpy(dtype=np.float64, na_value=np.nan),
        fitted["unanswered"].to_numpy(dtype=np.float64, na_value=np.nan),
        fitted["churned"].to_numpy(dtype=np.uint8),
        l2,
    )
    weights = dict(zip(COMPONENTS, r["weights"], strict=True))
    if sum(weights.values()) <= 0:
        raise ValueError(
            f"no health component relates to churn over {len(train)} training periods ({r['churners']} "
            f"churners of {r['rows']}): keep the default weights"
        )
    model = r["model"]
    fit_options = {**health_options, "weights": weights, "unanswered_penalty": r["unanswered_penalty"]}
    train_fit = _observations(book, train, horizon, fit_options)
    if test:
        test_fit = _observations(book, test, horizon, fit_options)
        auc_test, auc_default = _auc(test_fit), _auc(obs[obs["period"] >= len(train)])
    else:
        auc_test = auc_default = float("nan")
    return WeightsFit(
        weights=weights,
        unanswered_penalty=r["unanswered_penalty"],
        train_periods=train,
        test_periods=test,
        auc_train=_auc(train_fit),
        auc_test=auc_test,
        auc_test_default=auc_default,
        coefficients=pd.Series(model["coefficients"], index=[*COMPONENTS, "unanswered"], name="coefficient"),
        intercept=model["intercept"],
        rows=r["rows"],
        churners=r["churners"],
        l2=l2,
        converged=model["converged"],
        iterations=model["iterations"],
    )
