"""
Account health: its backtest against churn and fitted weights
"""
from __future__ import annotations
import accountkpi._core
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['backtest', 'components', 'default_weights', 'fit_logistic', 'fit_weights', 'ranking', 'score']
def backtest(health: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], churned: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], period: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], periods: typing.SupportsInt | typing.SupportsIndex, band_edges: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], top_share: typing.SupportsFloat | typing.SupportsIndex = 0.1) -> dict:
    """
    Backtest of health scores against churn: pooled ranking, per period, churn by band, ROC curve.
    """
def fit_logistic(x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], y: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], l2: typing.SupportsFloat | typing.SupportsIndex = 1.0, non_negative: bool = True, max_iterations: typing.SupportsInt | typing.SupportsIndex = 100, tolerance: typing.SupportsFloat | typing.SupportsIndex = 1e-09) -> dict:
    """
    Ridge logistic regression by Newton's method, coefficients optionally constrained to >= 0.
    """
def fit_weights(components: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], unanswered: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], churned: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], l2: typing.SupportsFloat | typing.SupportsIndex = 1.0, max_iterations: typing.SupportsInt | typing.SupportsIndex = 100, tolerance: typing.SupportsFloat | typing.SupportsIndex = 1e-09) -> dict:
    """
    Health weights fitted to churn: a non-negative ridge logistic model on the components' shortfalls and the unanswered requests, as weights summing to 1 and a penalty per unanswered request.
    """
def ranking(health: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], churned: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], top_share: typing.SupportsFloat | typing.SupportsIndex = 0.1) -> dict:
    """
    AUC, churn rate and the top share's precision, lift and recall of health scores against churn.
    """
def score(book: accountkpi._core.Book, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], scope: dict, rule: dict, options: dict) -> dict:
    """
    The health score of every client of the period listed by the scope, worst first, with its components and reasons (band: 0 at_risk, 1 watch, 2 healthy, -1 not scored).
    """
components: tuple = ('satisfaction', 'cadence', 'responsiveness', 'trend', 'margin')
default_weights: tuple = (0.2, 0.15, 0.35, 0.2, 0.1)
