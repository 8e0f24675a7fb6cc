"""The three management tiers as mandates, their scorecards, and every farmer's scorecard at once.

A mandate says what a manager owns (the scope), the goals the tier is judged on (its default scorecard) and
the decisions the tier may take (its authority):

- :class:`SingleClient`: one account, all of its projects or those assigned to the manager;
- :class:`ClientPortfolio`: several small accounts, or several projects at one large account; adds
  :meth:`ClientPortfolio.prioritise`;
- :class:`RevenuePortfolio`: a revenue target for a period; adds :meth:`RevenuePortfolio.status` (target
  pro-rated by days, attainment, run-rate forecast, gap, P&L).

``mandate.evaluate(book, period)`` returns a :class:`Scorecard`. Attainment is ``actual / target`` when more
is better and ``target / actual`` when less is better, capped at ``cap`` (1.5); the score is
``Σ weight × attainment / Σ weight`` over the goals whose attainment is defined. Undefined goals (no actual,
no target, target 0) are listed with NaN, never scored as 0. See ``docs/tiers.md``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from . import _core
from ._columns import id_values
from ._dates import Period, as_period
from .kpi import HIGHER_IS_BETTER, KPIS
from .tiers_priority import prioritise

if TYPE_CHECKING:
    from .book import Book

__all__ = [
    "TIERS",
    "ClientPortfolio",
    "Goal",
    "Mandate",
    "RevenuePortfolio",
    "RevenueStatus",
    "Scorecard",
    "SingleClient",
    "UnscoredGoalWarning",
    "attainment",
    "book_target",
    "coverage",
    "default_scorecard",
    "farmers_closers",
    "handovers",
    "scorecard_summary",
    "scorecards",
    "unit",
]

#: The tiers, in order of growing freedom and responsibility.
TIERS: tuple[str, ...] = ("single_client", "client_portfolio", "revenue_portfolio")
_LINE_COLUMNS = ["kpi", "actual", "target", "gap", "attainment", "weight", "score", "points_lost"]
_COLUMNS = ["manager_id", "tier", *_LINE_COLUMNS]


class UnscoredGoalWarning(UserWarning):
    """A goal of a tier's scorecard is unscored for every manager of the tier (no target or no actual)."""


def _days(period: Period | str) -> tuple[int, int]:
    p = as_period(period)
    return (p._begin, p._end)


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


@dataclass(frozen=True)
class Goal:
    """One line of a scorecard: a KPI, its target, weight and direction.

    Parameters
    ----------
    kpi : str
        A KPI name of :data:`accountkpi.kpi.KPIS`.
    target : float, optional
        In the KPI's unit (currency, fraction 0-1, NPS points, count, days). NaN (the default) leaves the
        target to the Book's ``targets`` table.
    weight : float
        > 0; weights are normalised over the goals whose attainment is defined.
    higher_is_better : bool, optional
        The KPI's default direction when omitted.
    target_period : Period or str, optional
        The period ``target`` is set for: a flow KPI's target (revenue, counts) is pro-rated by days to the
        period evaluated. Ratio targets are never pro-rated.
    default_target : bool, default False
        True for the goals of :func:`default_scorecard`: the Book's ``targets`` table wins over their target.
        A target you set (``False``) wins over the table.

    Notes
    -----
    A target must be in the KPI's unit (:func:`unit`): a fraction target of 90 (meaning 90%) is refused when
    the scorecard is evaluated, naming the goal.

    Examples
    --------
    >>> Goal("revenue", 120_000, weight=3, target_period="2024").higher_is_better
    True
    >>> Goal("churn_rate", 0.1).higher_is_better
    False
    """

    kpi: str
    target: float = math.nan
    weight: float = 1.0
    higher_is_better: bool | None = None
    target_period: Period | str | None = None
    default_target: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if self.kpi not in HIGHER_IS_BETTER:
            raise ValueError(f"unknown KPI {self.kpi!r}; see accountkpi.kpi.KPIS")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"the weight of {self.kpi!r} must be a finite number > 0, got {self.weight!r}")
        if self.higher_is_better is None:
            object.__setattr__(self, "higher_is_better", HIGHER_IS_BETTER[self.kpi])
        object.__setattr__(self, "target", float(self.target))
        object.__setattr__(self, "weight", float(self.weight))
        if self.target_period is not None:
            object.__setattr__(self, "target_period", as_period(self.target_period))

    def _tuple(self) -> tuple[str, float, float, bool, tuple[int, int] | None, bool]:
        tp = None if self.target_period is None else _days(self.target_period)
        return (
            self.kpi,
            self.target,
            self.weight,
            bool(self.higher_is_better),
            tp,
            bool(self.default_target),
        )


def default_scorecard(tier: str) -> tuple[Goal, ...]:
    """The default scorecard of ``tier`` (see ``docs/tiers.md`` for the choices).

    Examples
    --------
    >>> [g.kpi for g in default_scorecard("revenue_portfolio")]
    ['revenue', 'gross_profit', 'gross_margin', 'nrr']
    """
    return tuple(Goal(k, t, w, h, default_target=d) for k, t, w, h, d in _core.tiers.default_scorecard(tier))


def unit(kpi: str, **options: Any) -> str:
    """The unit a KPI (and its targets) is measured in: ``count``, ``fraction`` (0.9 = 90%), ``ratio`` (NRR,
    1.1 = 110%), ``nps`` (-100 to 100), ``scale`` (a survey mean), ``currency``, ``per_account`` or ``days``.
    ``options`` as :meth:`accountkpi.Book.kpis` takes them (``csat_method="mean"`` makes CSAT a scale).

    Examples
    --------
    >>> unit("retention_rate"), unit("nrr"), unit("revenue"), unit("csat", csat_method="mean")
    ('fraction', 'ratio', 'currency', 'scale')
    """
    return _core.tiers.unit(kpi, options)


def attainment(actual: float, target: float, higher_is_better: bool = True, cap: float = 1.5) -> float:
    """``actual / target`` (``target / actual`` when lower is better), capped at ``cap``; NaN when undefined.

    Target 0 gives NaN; a lower-is-better actual of 0 attains the cap; negative values are not clamped.

    Examples
    --------
    >>> attainment(80, 100), attainment(0.2, 0.1, higher_is_better=False), attainment(300, 100)
    (0.8, 0.5, 1.5)
    """
    return _core.tiers.attainment(float(actual), float(target), bool(higher_is_better), float(cap))


def book_target(book: Book, manager: Any, kpi: str, period: Period | str) -> float:
    """The target of ``manager`` for ``kpi`` over ``period`` from the Book's ``targets`` table.

    Flows (revenue, counts) are pro-rated by days (a quarter of a yearly target is its share of days; a
    period across two target rows takes its share of each); ratios are the day-weighted mean of the rows. NaN
    when the rows do not cover every day of ``period``; two overlapping rows raise ``ValueError``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> q2 = book_target(book, "F01", "revenue", "2024Q2")  # 91/366 of the 2024 target
    """
    (m,) = _core.resolve_ids(book._core, "managers", [_plain(manager)])
    return _core.tiers.book_target(book._core, m, kpi, _days(period))


@dataclass(frozen=True)
class Scorecard:
    """An evaluated scorecard: per goal the actual, target, attainment, weight and score.

    ``score`` is ``Σ weight × attainment / Σ weight`` over the scored goals (NaN when none is); each line's
    ``score`` is its share of it (``weight × attainment / Σ weight``), so the lines add up to ``score``.
    ``gap`` is how far the actual is behind the target in the KPI's unit (``target − actual``, or
    ``actual − target`` when less is better; negative: ahead) and ``points_lost`` the score the goal costs
    against full attainment (``weight × max(0, 1 − attainment) / Σ weight``).
    """

    tier: str
    manager_id: Any
    period: Period
    score: float
    lines: pd.DataFrame = field(repr=False)

    @property
    def unscored(self) -> list[str]:
        """The KPIs whose attainment is undefined (listed, not scored as zero)."""
        return self.lines.loc[self.lines["attainment"].isna(), "kpi"].tolist()

    def to_frame(self) -> pd.DataFrame:
        """One row per goal: ``manager_id, tier, kpi, actual, target, gap, attainment, weight, score,
        points_lost, higher_is_better`` (the columns of :func:`scorecards` plus the direction).

        Examples
        --------
        >>> import accountkpi as ak
        >>> book = ak.datasets.demo_book()
        >>> card = ak.tiers.RevenuePortfolio("F12").evaluate(book, "2024Q2")
        >>> list(card.to_frame().columns)[:4]
        ['manager_id', 'tier', 'kpi', 'actual']
        """
        out = self.lines.copy()
        out.insert(0, "tier", self.tier)
        out.insert(0, "manager_id", self.manager_id)
        return out

    def __repr__(self) -> str:
        return (
            f"<Scorecard {self.tier} manager={self.manager_id!r} period={self.period.label} "
            f"score={self.score:.4f} goals={len(self.lines)} unscored={len(self.unscored)}>"
        )


class Mandate:
    """What a manager owns, the goals the tier is judged on and the decisions it may take.

    Use one of :class:`SingleClient`, :class:`ClientPortfolio` or :class:`RevenuePortfolio`.

    Attributes
    ----------
    manager : id or None
        The manager's id; the scope is the manager's book (events owned at their date, accounts owned on
        their reference day of the period), restricted to ``accounts`` when given.
    accounts : tuple of ids
    scorecard : tuple of Goal
    authority : tuple of str
    """

    tier: ClassVar[str] = ""

    def __init__(
        self, manager: Any = None, accounts: Iterable[Any] = (), scorecard: Sequence[Goal] | None = None
    ):
        if isinstance(accounts, (str, bytes)) or not isinstance(accounts, Iterable):
            accounts = (accounts,)
        self.manager = _plain(manager)
        self.accounts = tuple(_plain(a) for a in accounts)
        if self.manager is None and not self.accounts:
            raise ValueError(f"{type(self).__name__}: give a manager or at least one account")
        goals = default_scorecard(self.tier) if scorecard is None else tuple(scorecard)
        kpis = [g.kpi for g in goals]
        if len(set(kpis)) != len(kpis):
            raise ValueError("a scorecard lists each KPI at most once")
        if not all(isinstance(g, Goal) for g in goals):
            raise TypeError("a scorecard is a sequence of Goal")
        self.scorecard: tuple[Goal, ...] = goals
        self.authority: tuple[str, ...] = tuple(_core.tiers.default_authority(self.tier))

    def _indices(self, book: Book) -> tuple[int, list[int]]:
        core = book._core
        m = -1 if self.manager is None else _core.resolve_ids(core, "managers", [self.manager])[0]
        accounts = _core.resolve_ids(core, "accounts", list(self.accounts)) if self.accounts else []
        return m, accounts

    def evaluate(
        self, book: Book, period: Period | str, *, cap: float = 1.5, book_targets: bool = True, **options: Any
    ) -> Scorecard:
        """The scorecard over ``period``, in one engine request.

        Parameters
        ----------
        book : Book
        period : Period or str
        cap : float, default 1.5
            Attainment cap (``math.inf`` for none).
        book_targets : bool, default True
            Take targets from the Book's ``targets`` table for the manager where its rows cover the period
            (pro-rated by days for flows), and add a goal of weight 1 for each KPI it targets beyond the
            scorecard. Precedence: a target you set on a :class:`Goal` wins; else the table's; else the
            tier's default.
        **options
            KPI options, as :meth:`accountkpi.Book.kpis` takes them.

        Raises
        ------
        ValueError
            When the manager owns no assignment of one of the mandate's accounts during ``period``, or a
            target is not in its KPI's unit (each such goal named).

        Examples
        --------
        >>> import accountkpi as ak
        >>> book = ak.datasets.demo_book()
        >>> card = ak.tiers.ClientPortfolio("F05").evaluate(book, "2024Q2")
        >>> 0 < card.score <= 1.5
        True
        """
        m, accounts = self._indices(book)
        p = as_period(period)
        lines, score = _core.tiers.evaluate(
            book._core,
            self.tier,
            m,
            accounts,
            [g._tuple() for g in self.scorecard],
            _days(p),
            float(cap),
            bool(book_targets),
            options,
        )
        raw = pd.DataFrame(
            lines,
            columns=[
                "kpi", "actual", "target", "attainment", "weight", "score", "higher_is_better", "gap",
                "points_lost",
            ],
        )  # fmt: skip
        frame = raw[[*_LINE_COLUMNS, "higher_is_better"]]
        return Scorecard(self.tier, self.manager, p, float(score), frame)

    def __repr__(self) -> str:
        who = f"manager={self.manager!r}" if self.manager is not None else ""
        acc = f"accounts={list(self.accounts)!r}" if self.accounts else ""
        return f"{type(self).__name__}({', '.join(x for x in (who, acc) if x)})"


class SingleClient(Mandate):
    """One account: all of its projects, or those the manager is assigned to (project-level assignments
    carve out a subset, e.g. one service line).

    Default scorecard: the client retained (``retention_rate``, target 1, weight 3) and renewed
    (``renewal_rate``, 1, 1), satisfaction (``nps``, 30, 2), responsiveness (``timely_response_rate``, 0.9,
    2), project size (``avg_project_size``, no default target, 1), communication cadence
    (``touches_per_account_month``, 2, 1), revenue growth (``nrr``, 1.1, 2), margin (``gross_margin``, 0.3,
    2).

    Examples
    --------
    >>> import accountkpi as ak
    >>> mandate = ak.tiers.SingleClient(account=1010, manager="F01")  # F01's account in the demo book
    >>> mandate.scorecard[0].kpi
    'retention_rate'
    """

    tier = "single_client"

    def __init__(self, account: Any, manager: Any = None, scorecard: Sequence[Goal] | None = None):
        if isinstance(account, (list, tuple, set)):
            raise TypeError("SingleClient takes one account; use ClientPortfolio for several")
        super().__init__(manager, (account,), scorecard)

    @property
    def account(self) -> Any:
        """The account's id."""
        return self.accounts[0]


class ClientPortfolio(Mandate):
    """Several small accounts, or several projects at one large account.

    Default scorecard: portfolio churn (as ``retention_rate``, 0.9, weight 2), ``nrr`` (1.05, 2), ``grr``
    (0.9, 1), margin mix (``gross_margin``, revenue-weighted, 0.3, 2), concentration inside the portfolio
    (``largest_client_share``, lower is better, 0.35, 1), ``nps`` (30, 1), ``timely_response_rate`` (0.9, 1).

    Examples
    --------
    >>> import accountkpi as ak
    >>> ak.tiers.ClientPortfolio("F05").tier
    'client_portfolio'
    """

    tier = "client_portfolio"

    def prioritise(self, book: Book, period: Period | str, **kwargs: Any) -> pd.DataFrame:
        """The portfolio's accounts (or projects) ranked, with drop candidates flagged; see
        :func:`accountkpi.tiers_priority.prioritise`.

        Examples
        --------
        >>> import accountkpi as ak
        >>> book = ak.datasets.demo_book()
        >>> ranked = ak.tiers.ClientPortfolio("F05").prioritise(book, "2024")
        >>> int(ranked["priority_rank"].iloc[0])
        1
        """
        return prioritise(book, period, manager=self.manager, accounts=self.accounts or None, **kwargs)


@dataclass(frozen=True)
class RevenueStatus:
    """The state of a revenue target over a period and the portfolio's P&L (currency; fractions 0-1).

    ``forecast = revenue_to_date + run_rate × days left in the target period``; ``gap = target − forecast``
    (positive: a shortfall).
    """

    period: Period
    target_period: Period
    target: float
    target_to_date: float
    revenue: float
    attainment: float
    revenue_to_date: float
    run_rate: float
    forecast: float
    gap: float
    cost: float
    gross_profit: float
    gross_margin: float
    new_business_revenue: float
    existing_business_revenue: float

    def to_frame(self) -> pd.DataFrame:
        """One row, one column per field (periods as labels)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["period"] = self.period.label
        d["target_period"] = self.target_period.label
        return pd.DataFrame([d])


class RevenuePortfolio(Mandate):
    """A revenue target for a period over a manager's book.

    Default scorecard: ``revenue`` (target from the Book or given here, weight 3), ``gross_profit`` (no
    default target, 2), ``gross_margin`` (0.3, 1), ``nrr`` (1.05, 1).

    Parameters
    ----------
    manager : id
    accounts : ids, optional
        Restrict the manager's book to these accounts.
    revenue_target : float, optional
        The revenue target over ``target_period``; the Book's ``targets`` rows otherwise.
    target_period : Period or str, optional
        Required with ``revenue_target``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> s = ak.tiers.RevenuePortfolio("F12").status(book, "2024Q2")
    >>> s.target_period.label
    '2024'
    """

    tier = "revenue_portfolio"

    def __init__(
        self,
        manager: Any,
        accounts: Iterable[Any] = (),
        revenue_target: float | None = None,
        target_period: Period | str | None = None,
        scorecard: Sequence[Goal] | None = None,
    ):
        if manager is None:
            raise ValueError("RevenuePortfolio: give the manager")
        if revenue_target is not None and target_period is None:
            raise ValueError("RevenuePortfolio: a revenue target needs its target_period")
        if revenue_target is not None and not math.isfinite(revenue_target):
            raise ValueError("RevenuePortfolio: the revenue target must be finite")
        self.revenue_target = math.nan if revenue_target is None else float(revenue_target)
        self.target_period = None if target_period is None else as_period(target_period)
        if scorecard is None and revenue_target is not None:
            goals = default_scorecard(self.tier)
            scorecard = tuple(
                Goal(g.kpi, self.revenue_target, g.weight, g.higher_is_better, self.target_period)
                if g.kpi == "revenue"
                else g
                for g in goals
            )
        super().__init__(manager, accounts, scorecard)

    def status(self, book: Book, period: Period | str, **options: Any) -> RevenueStatus:
        """Target pro-rated by days to ``period``, attainment, run-rate forecast to the end of the target
        period, gap and P&L (revenue, cost, gross profit, margin, new versus existing business).

        The target period is the one given, else the Book's ``targets`` row for ``revenue`` that contains the
        last day of ``period`` (else the calendar year, with a NaN target).
        """
        m, accounts = self._indices(book)
        p = as_period(period)
        tp = None if self.target_period is None else _days(self.target_period)
        d = _core.tiers.revenue_status(book._core, m, accounts, self.revenue_target, tp, _days(p), options)
        d["target_period"] = Period._from_days(d["target_period"])
        return RevenueStatus(period=p, **d)


def scorecards(
    book: Book, period: Period | str, *, cap: float = 1.5, book_targets: bool = True, **options: Any
) -> pd.DataFrame:
    """Every farmer's scorecard over ``period``, as one long DataFrame.

    Each farmer of the ``managers`` table is judged on the default scorecard of its tier plus a goal of
    weight 1 for each KPI the ``targets`` table sets for it beyond that; its scope is its book (from
    ``assignments``). One engine request grouped by manager serves all of them.

    Returns
    -------
    DataFrame
        ``manager_id, tier, kpi, actual, target, gap, attainment, weight, score, points_lost``; ``score`` is
        the goal's share of the manager's score, so ``frame.groupby("manager_id")["score"].sum(min_count=1)``
        is each score (see :class:`Scorecard` for ``gap`` and ``points_lost``; :func:`scorecard_summary`
        gives one row per manager).

    Warns
    -----
    UnscoredGoalWarning
        When a goal is unscored for every manager of a tier (no target anywhere, or no actual).

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> cards = book.scorecards("2024Q2")
    >>> list(cards.columns)
    ['manager_id', 'tier', 'kpi', 'actual', 'target', 'gap', 'attainment', 'weight', 'score', 'points_lost']
    """
    raw = _core.tiers.scorecards(book._core, _days(period), float(cap), bool(book_targets), options)
    ids = _core.key_labels(book._core, "manager")
    ids = np.asarray(ids) if isinstance(ids, np.ndarray) else np.asarray(ids, dtype=object)
    out = pd.DataFrame(
        {
            "manager_id": ids[raw["manager"]],
            "tier": pd.Categorical.from_codes(raw["tier"] - 1, categories=list(TIERS)),
            "kpi": np.asarray(KPIS, dtype=object)[raw["kpi"]],
            "actual": raw["actual"],
            "target": raw["target"],
            "attainment": raw["attainment"],
            "weight": raw["weight"],
            "score": raw["score"],
            "gap": raw["gap"],
            "points_lost": raw["points_lost"],
        }
    )[_COLUMNS]
    _warn_unscored(out, as_period(period))
    return out


def _warn_unscored(cards: pd.DataFrame, period: Period) -> None:
    """One :class:`UnscoredGoalWarning` naming each goal that no manager of a tier is scored on."""
    by_goal = cards.groupby(["tier", "kpi"], observed=True, sort=False)
    unscored = by_goal["attainment"].count() == 0
    if not unscored.any():
        return
    no_target = by_goal["target"].count() == 0
    lines = [
        f"{kpi} for every {tier} manager ({'no target' if no_target[(tier, kpi)] else 'no actual'})"
        for tier, kpi in unscored[unscored].index
    ]
    warnings.warn(f"{period.label}: unscored goals: " + "; ".join(lines), UnscoredGoalWarning, stacklevel=3)


def scorecard_summary(cards: pd.DataFrame) -> pd.DataFrame:
    """One row per manager of a :func:`scorecards` frame: the score, the goals scored and unscored, and the
    goal that cost most.

    Returns
    -------
    DataFrame
        Indexed by ``manager_id``: ``tier, score, scored, unscored, unscored_kpis, costliest_kpi,
        points_lost, gap`` (``points_lost`` and ``gap`` of the costliest goal; ``costliest_kpi`` is None when
        every scored goal is attained), by score (best first, NaN last).

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> summary = scorecard_summary(book.scorecards("2025Q2"))
    >>> list(summary.columns)
    ['tier', 'score', 'scored', 'unscored', 'unscored_kpis', 'costliest_kpi', 'points_lost', 'gap']
    """
    cards = cards.reset_index(drop=True)
    groups = cards.groupby("manager_id", sort=False)
    scored = cards["attainment"].notna()
    costly = cards[cards["points_lost"] > 0].sort_values("points_lost", ascending=False, kind="stable")
    worst = costly.drop_duplicates("manager_id").set_index("manager_id")
    out = pd.DataFrame(
        {
            "tier": groups["tier"].first().astype(str),
            "score": groups["score"].sum(min_count=1),
            "scored": scored.groupby(cards["manager_id"], sort=False).sum().astype(np.int64),
            "unscored": (~scored).groupby(cards["manager_id"], sort=False).sum().astype(np.int64),
            "unscored_kpis": cards["kpi"]
            .where(~scored)
            .groupby(cards["manager_id"], sort=False)
            .agg(lambda k: ", ".join(k.dropna())),
        }
    )
    rows = worst.reindex(out.index)
    out["costliest_kpi"] = rows["kpi"].astype(object).where(rows["kpi"].notna(), None)
    out["points_lost"] = rows["points_lost"].fillna(0.0)
    out["gap"] = rows["gap"]
    return out.sort_values("score", ascending=False, na_position="last", kind="stable")


def _ids(book: Book, key: str, codes: np.ndarray) -> Any:
    """External ids of account or manager indices (missing where the index is -1)."""
    return id_values(_core.key_labels(book._core, key), codes)


def coverage(
    book: Book, period: Period | str, *, max_accounts: int = 25, max_accounts_single_client: int = 1
) -> pd.DataFrame:
    """Gaps in the organisation over ``period``, one row per problem.

    - ``no_owner``: the account is a client on ``[begin, end)`` and no account-level assignment covers it;
    - ``two_owners``: two managers own the account at once on ``[begin, end)``;
    - ``over_load``: the manager owns ``accounts`` accounts during the period, more than ``limit``
      (``max_accounts``, or ``max_accounts_single_client`` for single-client farmers).

    Only account-level assignments (without a project) count as owning an account.

    Returns
    -------
    DataFrame
        ``kind, account_id, manager_id, other_manager_id, begin, end, accounts, limit``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> gaps = ak.tiers.coverage(ak.datasets.demo_book(), "2024Q2")
    >>> set(gaps["kind"]) <= {"no_owner", "two_owners", "over_load"}
    True
    """
    raw = _core.tiers.coverage(book._core, _days(period), int(max_accounts), int(max_accounts_single_client))
    return pd.DataFrame(
        {
            "kind": pd.Categorical(raw["kind"], categories=["no_owner", "two_owners", "over_load"]),
            "account_id": _ids(book, "account", raw["account"]),
            "manager_id": _ids(book, "manager", raw["manager"]),
            "other_manager_id": _ids(book, "manager", raw["other_manager"]),
            "begin": raw["begin"].astype("datetime64[D]"),
            "end": raw["end"].astype("datetime64[D]"),
            "accounts": raw["accounts"],
            "limit": raw["limit"],
        }
    )


def farmers_closers(
    book: Book, period: Period | str, by: str | Sequence[str] = "role", **options: Any
) -> pd.DataFrame:
    """Who brought the business: revenue, margin, deals and deal size by role (farmer/closer) or by manager,
    with new logos (accounts first acquired in ``period``: the closers' work) apart from growth at existing
    accounts (the farmers' work).

    Each revenue line and deal counts for the manager who owned it at its date (``assignments`` over time).
    One engine request.

    Returns
    -------
    DataFrame
        The keys, ``period``, ``revenue, gross_profit, gross_margin, deals, avg_deal_size,
        new_logo_revenue, existing_revenue, new_logo_share``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> split = ak.tiers.farmers_closers(ak.datasets.demo_book(), "2024")
    >>> split["role"].tolist()
    ['farmer', 'closer']
    """
    keys = [by] if isinstance(by, str) else list(by)
    if not set(keys) <= {"role", "manager", "tier"}:
        raise ValueError(f"farmers_closers: by is among 'role', 'manager', 'tier', got {keys!r}")
    kpis = ["revenue", "gross_profit", "gross_margin", "deals", "avg_deal_size", "new_business_revenue"]
    t = book.kpis(period, by=keys, kpis=kpis, **options)
    t = t.rename(columns={"new_business_revenue": "new_logo_revenue"})
    t["existing_revenue"] = t["revenue"] - t["new_logo_revenue"]
    rev = t["revenue"].to_numpy()
    t["new_logo_share"] = np.where(
        rev != 0, t["new_logo_revenue"].to_numpy() / np.where(rev != 0, rev, 1), np.nan
    )
    return t


def handovers(book: Book, period: Period | str, days: int = 90) -> pd.DataFrame:
    """Every account handed over from a closer to a farmer in ``period``, and what followed.

    A handover is an assignment of the whole account (no project) to a farmer that starts in ``period`` and
    makes him the owner, when a closer owned the account the day before.

    Returns
    -------
    DataFrame
        ``account_id, closer_id, farmer_id, handover_on`` (the farmer's first day),
        ``days_from_signing`` (from the account's first project's signing; NaN without projects),
        ``revenue_after`` (the account's revenue in the ``days`` days from the handover), ``churned``
        (the client spell holding the handover ends within ``days`` days) and ``churned_on`` (NaT when
        not). A handover whose ``days`` are not over yet shows what is known so far. The share of churned
        handovers is the KPI ``handover_churn_rate`` (option ``handover_days``).

    Examples
    --------
    >>> import accountkpi as ak
    >>> h = ak.tiers.handovers(ak.datasets.demo_book(), "2024")
    >>> list(h.columns)[:4]
    ['account_id', 'closer_id', 'farmer_id', 'handover_on']
    """
    raw = _core.tiers.handovers(book._core, _days(period), int(days))
    churned_on = raw["churned_on"].astype("datetime64[D]")
    churned = raw["churned"].astype(bool)
    return pd.DataFrame(
        {
            "account_id": _ids(book, "account", raw["account"]),
            "closer_id": _ids(book, "manager", raw["closer"]),
            "farmer_id": _ids(book, "manager", raw["farmer"]),
            "handover_on": raw["day"].astype("datetime64[D]"),
            "days_from_signing": raw["days_from_signing"],
            "revenue_after": raw["revenue_after"],
            "churned": churned,
            "churned_on": np.where(churned, churned_on, np.datetime64("NaT")),
        }
    )
