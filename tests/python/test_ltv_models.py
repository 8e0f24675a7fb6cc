"""The lifetime-value models through the Python layer: published CDNOW and Fader-Hardie values, lifetimes'
conventions, invalid input, and invariants (Hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountkpi import datasets, ltv


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    """CDNOW calibration summary (FHL 2005), T in weeks, renamed as lifetimes does."""
    return datasets.load_cdnow_summary_with_monetary_value()


@pytest.fixture(scope="module")
def bgf(cdnow: pd.DataFrame) -> ltv.BetaGeoFitter:
    return ltv.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def ggf(cdnow: pd.DataFrame) -> ltv.GammaGammaFitter:
    returning = cdnow[cdnow["frequency"] > 0]
    return ltv.GammaGammaFitter().fit(returning["frequency"], returning["monetary_value"])


def test_bgnbd_recovers_published_cdnow_estimates(bgf: ltv.BetaGeoFitter) -> None:
    assert list(bgf.params_.index) == ["r", "alpha", "a", "b"]
    published = np.array([0.243, 4.414, 0.793, 2.426])
    assert np.all(np.abs(bgf.params_.to_numpy() - published) <= [5e-4, 5e-3, 5e-4, 5e-3]), bgf.params_
    assert bgf.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert bgf.convergence_["converged"]
    # The standard errors lifetimes prints for this fit.
    np.testing.assert_allclose(
        bgf.standard_errors_.to_numpy(), [0.012557, 0.378221, 0.185719, 0.705345], rtol=0.01
    )
    summary = bgf.summary
    assert list(summary.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    assert (summary["lower 95% bound"] < summary["coef"]).all()


def test_fit_results_belong_to_the_last_fit(cdnow: pd.DataFrame) -> None:
    # The pandas results are built on first access: a refit must replace them, and `data` is the data of the
    # fit even when the caller's arrays change afterwards.
    frequency = cdnow["frequency"].to_numpy(dtype=float)  # float64 already: no copy on the way in
    recency, T = cdnow["recency"].to_numpy(dtype=float), cdnow["T"].to_numpy(dtype=float)
    bgf = ltv.BetaGeoFitter().fit(frequency, recency, T)
    frequency[:] = 0.0
    cdnow_params = bgf.params_
    assert cdnow_params["r"] == pytest.approx(0.2426, abs=1e-4)
    np.testing.assert_allclose(bgf.standard_errors_, np.sqrt(np.diag(bgf.variance_matrix_)))
    assert list(bgf.variance_matrix_.columns) == ["r", "alpha", "a", "b"]
    expected = cdnow[["frequency", "recency", "T"]].reset_index(drop=True).astype(float)
    pd.testing.assert_frame_equal(bgf.data, expected)
    sim = ltv.simulate_bgnbd(0.5, 2.0, 0.5, 3.0, T=[30.0] * 3000, seed=5)
    bgf.fit(sim["frequency"], sim["recency"], sim["T"])
    assert bgf.params_["r"] != cdnow_params["r"]
    assert len(bgf.data) == 3000
    bgf.params_ = cdnow_params  # set by hand, as in the examples: kept
    assert bgf.params_ is cdnow_params


@pytest.mark.parametrize(
    ("penalizer_coef", "expected"),
    [(0.01, [0.24294, 4.432437, 0.285642, 0.658454]), (0.1, [0.230947, 4.219288, 0.128655, 0.267127])],
    ids=["penalty-0.01", "penalty-0.1"],
)
def test_penalised_bgnbd_matches_lifetimes(
    cdnow: pd.DataFrame, penalizer_coef: float, expected: list[float]
) -> None:
    # lifetimes 0.11.3, BetaGeoFitter(penalizer_coef).fit(frequency, recency, T) on these data, rounded to
    # 6 decimals (its penalty sees alpha in the time unit where max(T) = 1).
    bgf = ltv.BetaGeoFitter(penalizer_coef).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    np.testing.assert_allclose(bgf.params_.to_numpy(), expected, rtol=2e-5)


def test_penalised_gamma_gamma_matches_lifetimes(cdnow: pd.DataFrame) -> None:
    # lifetimes 0.11.3, GammaGammaFitter(penalizer_coef=0.01) on the 946 returning customers.
    returning = cdnow[cdnow["frequency"] > 0]
    ggf = ltv.GammaGammaFitter(0.01).fit(returning["frequency"], returning["monetary_value"])
    np.testing.assert_allclose(ggf.params_.to_numpy(), [4.10925, 0.968385, 3.780801], rtol=2e-5)


def test_bgnbd_predictions_keep_the_index(bgf: ltv.BetaGeoFitter, cdnow: pd.DataFrame) -> None:
    head = cdnow.head(5)
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(
        39, head["frequency"], head["recency"], head["T"]
    )
    assert isinstance(expected, pd.Series)
    assert list(expected.index) == list(head.index)
    assert expected.loc[1] == pytest.approx(1.2259, abs=5e-4)  # FHL 2005: 1.226 for customer 1
    alive = bgf.conditional_probability_alive(head["frequency"], head["recency"], head["T"])
    assert ((alive > 0) & (alive <= 1)).all()
    assert alive.loc[3] == 1.0  # no repeat purchase
    assert bgf.expected_number_of_purchases_up_to_time(0) == 0.0
    curve = bgf.expected_number_of_purchases_up_to_time(np.array([1.0, 10.0, 39.0]))
    assert np.all(np.diff(curve) > 0)


def test_gamma_gamma_recovers_published_cdnow_estimates(ggf: ltv.GammaGammaFitter) -> None:
    assert np.all(np.abs(ggf.params_.to_numpy() - [6.25, 3.74, 15.44]) <= [0.01, 0.01, 0.02]), ggf.params_
    profit = ggf.conditional_expected_average_profit()
    assert len(profit) == 946


def test_clv_reproduces_lifetimes_documentation(
    bgf: ltv.BetaGeoFitter, ggf: ltv.GammaGammaFitter, cdnow: pd.DataFrame
) -> None:
    # lifetimes' documentation: customer_lifetime_value(bgf, ..., time=12, discount_rate=0.01) with freq="D".
    rows = cdnow.loc[[1, 2, 3, 6, 9]]
    clv = ggf.customer_lifetime_value(
        bgf,
        rows["frequency"],
        rows["recency"],
        rows["T"],
        rows["monetary_value"],
        time=12,
        discount_rate=0.01,
    )
    np.testing.assert_allclose(
        clv.to_numpy(), [140.096218, 18.943466, 38.180575, 1003.868285, 167.418224], rtol=1e-6
    )
    weekly = ggf.customer_lifetime_value(
        bgf, rows["frequency"], rows["recency"], rows["T"], rows["monetary_value"], freq="W"
    )
    assert (weekly < clv).all()  # a month is 4.345 weeks, fewer time units than 30
    with pytest.raises(ValueError, match="freq"):
        ggf.customer_lifetime_value(bgf, [1], [1.0], [2.0], [3.0], freq="Y")


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"),
    [
        pytest.param([1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806, id="high-end"),
        pytest.param([1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182, id="regular"),
    ],
)
def test_sbg_recovers_fader_hardie_2007(survivors: list[int], alpha: float, beta: float) -> None:
    sbg = ltv.ShiftedBetaGeoFitter().fit(survivors)
    assert sbg.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert sbg.params_["beta"] == pytest.approx(beta, abs=5e-4)
    t = np.arange(1, 8)
    np.testing.assert_allclose(sbg.survival_function(t), np.cumprod(sbg.retention_rate(t)), rtol=1e-12)
    assert sbg.discounted_expected_residual_lifetime(0.1) > sbg.discounted_expected_residual_lifetime(0.2)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        pytest.param(
            lambda: ltv.BetaGeoFitter().fit([1, -1], [0, 0], [5, 5]), r"frequency\[1\]", id="negative"
        ),
        pytest.param(
            lambda: ltv.BetaGeoFitter().fit([1, 1], [0, 6], [5, 5]), r"recency\[1\].*exceeds T", id="rec>T"
        ),
        pytest.param(
            lambda: ltv.BetaGeoFitter().fit([1, 1], [0, 0], [5, math.nan]), r"T\[1\] = nan", id="nan"
        ),
        pytest.param(lambda: ltv.BetaGeoFitter().fit([1, 1], [0, 0], [5]), "T has 1 values", id="sizes"),
        pytest.param(lambda: ltv.GammaGammaFitter().fit([0, 1], [1.0, 2.0]), r"frequency\[0\]", id="gg-zero"),
        pytest.param(
            lambda: ltv.ShiftedBetaGeoFitter().fit([100, 90, 95]), r"survivors\[2\]", id="increasing"
        ),
        pytest.param(lambda: ltv.ltv_simple(1.0, 1.5, 0.0), "churn_per_period", id="churn>1"),
    ],
)
def test_invalid_input_raises_value_error_naming_argument_and_row(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_unfitted_model_says_so() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        ltv.BetaGeoFitter().conditional_probability_alive([0], [0.0], [1.0])


def test_simulators_are_deterministic_and_recoverable() -> None:
    sim = ltv.simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=np.linspace(20, 40, 20000, endpoint=False), seed=11)
    again = ltv.simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=np.linspace(20, 40, 20000, endpoint=False), seed=11)
    pd.testing.assert_frame_equal(sim, again)
    fit = ltv.BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    truth = np.array([0.25, 4.0, 0.8, 2.5])
    assert np.all(np.abs(fit.params_.to_numpy() - truth) < 4 * fit.standard_errors_.to_numpy())
    survivors = ltv.simulate_sbg(0.7, 1.2, cohort_size=20000, periods=8, seed=3)
    sbg = ltv.ShiftedBetaGeoFitter().fit(survivors)
    assert np.all(np.abs(sbg.params_.to_numpy() - [0.7, 1.2]) < 4 * sbg.standard_errors_.to_numpy())


@pytest.mark.parametrize(
    ("fitter", "simulate", "params"),
    [
        (ltv.BetaGeoFitter, ltv.simulate_bgnbd, (0.25, 4.0, 0.8, 2.5)),
        (ltv.ModifiedBetaGeoFitter, ltv.simulate_mbgnbd, (0.25, 4.0, 0.8, 2.5)),
        (ltv.ParetoNBDFitter, ltv.simulate_pareto_nbd, (0.55, 10.6, 0.61, 11.7)),
    ],
)
def test_fits_are_the_same_bit_for_bit_on_one_and_two_threads(fitter, simulate, params) -> None:
    # 60,000 customers with distinct T: more than one chunk (32,768 rows) of every sum, shared by two threads.
    sim = simulate(*params, T=np.linspace(20, 40, 60000, endpoint=False), seed=5)
    one = fitter().fit(sim["frequency"], sim["recency"], sim["T"], threads=1)
    two = fitter().fit(sim["frequency"], sim["recency"], sim["T"], threads=2)
    assert one.converged_
    pd.testing.assert_series_equal(one.params_, two.params_, check_exact=True)
    assert one.log_likelihood_ == two.log_likelihood_


@pytest.mark.parametrize("threads", [-1, 1.5, True, "2"])
def test_threads_must_be_a_whole_number(threads) -> None:
    with pytest.raises(ValueError, match="threads must be a whole number >= 0"):
        ltv.BetaGeoFitter().fit([1.0, 0.0], [2.0, 0.0], [5.0, 6.0], threads=threads)


def test_ltv_simple_conventions() -> None:
    assert ltv.ltv_simple(100.0, 0.05, 0.01) == pytest.approx(100 * 0.95 / 0.06)
    assert math.isnan(ltv.ltv_simple(100.0, 0.0, 0.01))  # never churns, no horizon: NaN, never inf
    assert ltv.ltv_simple(100.0, 0.0, 0.0, horizon_periods=12) == pytest.approx(1200.0)


@settings(max_examples=60, deadline=None)
@given(
    m=st.floats(0.01, 1e6),
    churn=st.floats(0.001, 1.0),
    d=st.floats(0.0, 0.5),
    horizon=st.integers(0, 400),
)
def test_ltv_simple_finite_horizon_is_below_infinite(m: float, churn: float, d: float, horizon: int) -> None:
    finite = ltv.ltv_simple(m, churn, d, horizon_periods=horizon)
    infinite = ltv.ltv_simple(m, churn, d)
    assert 0 <= finite <= infinite * (1 + 1e-12)
    assert finite <= ltv.ltv_simple(m, churn, d, horizon_periods=horizon + 1) * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 50),
    rec_share=st.floats(0.0, 1.0),
    T=st.floats(0.5, 200.0),
    t=st.floats(0.0, 100.0),
)
def test_bgnbd_prediction_invariants(
    bgf: ltv.BetaGeoFitter, x: int, rec_share: float, T: float, t: float
) -> None:
    recency = 0.0 if x == 0 else rec_share * T
    alive = float(bgf.conditional_probability_alive([x], [recency], [T])[0])
    assert 0.0 < alive <= 1.0
    now = float(bgf.conditional_expected_number_of_purchases_up_to_time(t, [x], [recency], [T])[0])
    later = float(bgf.conditional_expected_number_of_purchases_up_to_time(t + 1.0, [x], [recency], [T])[0])
    assert 0.0 <= now <= later


def test_a_fit_that_does_not_converge_warns() -> None:
    # Three customers, nobody lapsing: the likelihood grows without bound; the fit must say so, not return
    # huge parameters silently.
    with pytest.warns(ltv.ConvergenceWarning, match="did not converge"):
        fitter = ltv.BetaGeoFitter().fit([1, 2, 0], [5, 6, 0], [10, 10, 10])
    assert not fitter.convergence_["converged"]
