"""ParetoNBDFitter: the likelihood against the model's definition integrated numerically, the fit on CDNOW
against the published estimates, and lifetimes' own ParetoNBDFitter tests (lifetimes 0.11.3,
tests/test_estimation.py) rewritten against accountkpi.ltv with the same inputs and tolerances.

Not honoured from lifetimes as written: ``test_overflow_error`` calls lifetimes' private ``_log_A_0``, so the
same inputs are checked through the public log-likelihood and P(alive) instead. The conditional P(n purchases)
is checked against the model's definition by quadrature in tests/cpp/test_ltv_pareto_nbd.cpp."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import numpy.testing as npt
import pandas as pd
import pytest
from scipy import integrate, special

import accountkpi as ak
from accountkpi.ltv import ConvergenceWarning, ParetoNBDFitter, simulate_pareto_nbd

BTYD = pd.Series({"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562})  # R BTYD on CDNOW


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return ak.datasets.load_cdnow_summary()


@pytest.fixture(scope="module")
def ptf(cdnow: pd.DataFrame) -> ParetoNBDFitter:
    return ParetoNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def _published() -> ParetoNBDFitter:
    model = ParetoNBDFitter()
    model.params_ = BTYD.copy()
    return model


def _likelihood_by_definition(
    params: tuple[float, float, float, float], x: float, tx: float, T: float
) -> float:
    """The individual likelihood (FHL 2005 note, eq. 3) integrated over lambda ~ Gamma(r, alpha) and mu ~
    Gamma(s, beta) numerically:
    L(lambda, mu) = lambda^x e^-(lambda+mu)T + lambda^x mu/(lambda+mu) (e^-(lambda+mu)t_x - e^-(lambda+mu)T)
    (alive at T, or died between t_x and T)."""
    r, alpha, s, beta = params

    def density(mu: float, lam: float) -> float:
        both = lam + mu
        alive = math.exp(-both * T)
        died = mu / both * (math.exp(-both * tx) - math.exp(-both * T))
        gamma_lam = math.exp(r * math.log(alpha) + (r - 1) * math.log(lam) - alpha * lam - special.gammaln(r))
        gamma_mu = math.exp(s * math.log(beta) + (s - 1) * math.log(mu) - beta * mu - special.gammaln(s))
        return lam**x * (alive + died) * gamma_lam * gamma_mu

    value, _ = integrate.dblquad(density, 0, np.inf, 0, np.inf, epsabs=0, epsrel=1e-10)
    return value


@pytest.mark.parametrize(
    ("params", "x", "tx", "T"),
    [
        ((1.5, 2.0, 1.2, 3.0), 0, 0.0, 4.0),  # alpha < beta
        ((1.5, 3.0, 1.2, 2.0), 2, 1.5, 4.0),  # alpha > beta
        ((2.0, 2.5, 1.8, 2.5), 1, 2.0, 5.0),  # alpha = beta: 2F1 at z = 0
        ((1.5, 2.0, 1.2, 3.0), 3, 4.0, 4.0),  # t_x = T
    ],
)
def test_log_likelihood_matches_the_definition_integrated(
    params: tuple[float, float, float, float], x: float, tx: float, T: float
) -> None:
    ours = ak._core.ltv.pareto_nbd_log_likelihood(params, np.array([x]), np.array([tx]), np.array([T]))
    assert ours == pytest.approx(math.log(_likelihood_by_definition(params, x, tx, T)), abs=1e-7)


def test_fit_matches_published_cdnow_estimates(ptf: ParetoNBDFitter) -> None:
    # Fader, Hardie & Lee (2005): r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67 (weeks); LL = -9595.0.
    assert ptf.converged_, ptf.convergence_["message"]
    npt.assert_allclose(ptf.params_[["r", "alpha", "s", "beta"]], [0.55, 10.58, 0.61, 11.67], atol=0.006)
    assert ptf.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
    assert (ptf.standard_errors_ > 0).all()
    assert list(ptf.summary.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    assert list(ptf.confidence_intervals_.index) == ["r", "alpha", "s", "beta"]


def test_scalars_in_scalars_out_and_series_keep_their_index(
    ptf: ParetoNBDFitter, cdnow: pd.DataFrame
) -> None:
    assert isinstance(ptf.conditional_probability_alive(1, 2.0, 5.0), float)
    assert isinstance(ptf.conditional_expected_number_of_purchases_up_to_time(10, 1, 2.0, 5.0), float)
    assert isinstance(ptf.expected_number_of_purchases_up_to_time(10), float)
    assert isinstance(ptf.probability_of_n_purchases_up_to_time(10, 1), float)
    alive = ptf.conditional_probability_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert isinstance(alive, pd.Series)
    assert alive.index.equals(cdnow.index)


def test_probability_of_n_sums_to_1_with_the_mean_of_the_expectation() -> None:
    model = _published()
    n = np.arange(300)
    pmf = model.probability_of_n_purchases_up_to_time(39.0, n)
    assert pmf.min() >= 0
    assert pmf.sum() == pytest.approx(1, abs=1e-8)
    assert (n * pmf).sum() == pytest.approx(model.expected_number_of_purchases_up_to_time(39.0), rel=1e-7)


def _grid(step: float = 10.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lifetimes' grid of customers: frequency and recency 0, 10, ..., 90 and T from recency to 90 by 10 (or
    by ``step``)."""
    rows = [
        (freq, recency, age)
        for freq in np.arange(0, 100, step)
        for recency in np.arange(0, 100, step)
        for age in np.arange(recency, 100, step)
    ]
    freq, recency, age = (np.array(c) for c in zip(*rows, strict=True))
    return freq, recency, age


def test_conditional_probability_of_n_shapes_and_new_customers() -> None:
    model = _published()
    pmf = model.conditional_probability_of_n_purchases_up_to_time
    assert isinstance(pmf(1, 10.0, 2, 30.0, 38.0), float)
    assert pmf(np.arange(4), 10.0, 2, 30.0, 38.0).shape == (4,)
    assert pmf(1, 10.0, np.zeros((2, 3)), 0.0, 38.0).shape == (2, 3)
    customers = pd.DataFrame({"x": [0.0, 2.0], "tx": [0.0, 30.0], "T": [38.0, 38.0]}, index=["a", "b"])
    out = pmf(1, 10.0, customers["x"], customers["tx"], customers["T"])
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b"]
    # A customer observed for no time at all is a new customer: the unconditional P(X(t) = n).
    n = np.arange(6)
    npt.assert_allclose(
        pmf(n, 39.0, 0, 0, 0), model.probability_of_n_purchases_up_to_time(39.0, n), rtol=1e-12
    )
    with pytest.raises(ValueError, match="whole number"):
        pmf(1.5, 10.0, 2, 30.0, 38.0)


def test_save_and_load_round_trip(ptf: ParetoNBDFitter, tmp_path: Path) -> None:
    path = tmp_path / "pnbd.json"
    ptf.save_model(path)
    saved = json.loads(path.read_text())
    assert saved["model"] == "ParetoNBDFitter"
    loaded = ParetoNBDFitter().load_model(path)
    npt.assert_array_equal(loaded.params_, ptf.params_)
    assert loaded.conditional_probability_alive(2, 30.0, 38.0) == ptf.conditional_probability_alive(
        2, 30.0, 38.0
    )


def test_recovers_simulated_parameters() -> None:
    sim = simulate_pareto_nbd(0.8, 6.0, 1.2, 9.0, T=np.full(20000, 52.0), seed=3)
    model = ParetoNBDFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    assert model.converged_
    truth = np.array([0.8, 6.0, 1.2, 9.0])
    # Within three standard errors of the truth.
    assert (np.abs(model.params_.to_numpy() - truth) < 3 * model.standard_errors_.to_numpy()).all()


@pytest.mark.parametrize(
    ("frequency", "recency", "T"),
    [
        ([0.0] * 50, [0.0] * 50, list(np.linspace(5, 40, 50))),  # nobody buys again
        ([3.0], [20.0], [30.0]),  # a single customer
    ],
)
def test_degenerate_fits_warn_and_are_not_converged(frequency: list, recency: list, T: list) -> None:
    # A shorter L-BFGS fallback than the default 1,000 iterations keeps the test quick; same verdict.
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = ParetoNBDFitter().fit(frequency, recency, T, max_iterations=100)
    assert not model.converged_
    assert "not converged" in model.convergence_["message"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        finite = np.isfinite(model.params_).all()
    if finite:
        with pytest.warns(ConvergenceWarning, match="did not converge"):
            model.conditional_probability_alive(1, 1.0, 2.0)


class TestLifetimesParetoNBDFitter:
    """lifetimes 0.11.3's TestParetoNBDFitter, in accountkpi's words."""

    def test_heavy_buyers_with_extreme_parameters_stay_finite(self) -> None:
        # lifetimes' test_overflow_error (on the private _log_A_0): the same parameters and customers.
        params = (10.465, 7.98565181e-03, 3.0516, 2.820)
        freq, rec, age = (
            np.array([400.0, 500.0, 500.0]),
            np.array([5.0, 1.0, 4.0]),
            np.array([6.0, 37.0, 37.0]),
        )
        for i in range(3):
            ll = ak._core.ltv.pareto_nbd_log_likelihood(
                params, freq[i : i + 1], rec[i : i + 1], age[i : i + 1]
            )
            assert np.isfinite(ll)

    def test_mean_objective_of_two_customers_is_the_mean_of_theirs(self) -> None:
        x, t_x, T, w = np.array([1, 3]), np.array([2, 2]), np.array([5, 6]), np.array([1.0, 1.0])
        nll = ParetoNBDFitter._negative_log_likelihood
        params = [1, 1, 1, 1]
        one = nll(params, np.array([x[0]]), np.array([t_x[0]]), np.array([T[0]]), w[0], 0)
        two = nll(params, np.array([x[1]]), np.array([t_x[1]]), np.array([T[1]]), w[1], 0)
        assert (one + two) / 2 == pytest.approx(nll(params, x, t_x, T, w, 0), rel=1e-15)

    def test_params_out_is_close_to_hardie_paper(self, ptf: ParetoNBDFitter) -> None:
        npt.assert_array_almost_equal(
            [0.553, 10.578, 0.606, 11.669], ptf._unload_params("r", "alpha", "s", "beta"), decimal=2
        )

    def test_expectation_returns_same_value_as_r_btyd(self, cdnow: pd.DataFrame) -> None:
        model = ParetoNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], tol=1e-6)
        expected = [0.0, 0.05077821, 0.09916088, 0.14542507, 0.18979930]
        expected += [0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211]
        npt.assert_allclose(expected, model.expected_number_of_purchases_up_to_time(range(10)), atol=0.01)

    def test_conditional_expectation_returns_same_value_as_r_btyd(self, ptf: ParetoNBDFitter) -> None:
        assert (
            abs(25.46 - ptf.conditional_expected_number_of_purchases_up_to_time(52, 26.00, 30.86, 31)) < 0.01
        )

    def test_conditional_expectation_does_not_underflow(self) -> None:
        model = ParetoNBDFitter()
        model.params_ = pd.Series({"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67})
        left = model.conditional_expected_number_of_purchases_up_to_time(10, 132, 200, 200)
        right = model.conditional_expected_number_of_purchases_up_to_time(10, 133, 200, 200)
        assert abs(left - right) < 0.05

    def test_conditional_probability_alive_is_between_0_and_1(self, ptf: ParetoNBDFitter) -> None:
        for freq in np.arange(0, 100, 10.0):
            for recency in np.arange(0, 100, 10.0):
                for t in np.arange(recency, 100, 10.0):
                    assert 0.0 <= ptf.conditional_probability_alive(freq, recency, t) <= 1.0

    def test_conditional_probability_of_n_purchases_up_to_time_is_between_0_and_1(
        self, ptf: ParetoNBDFitter
    ) -> None:
        freq, recency, age = _grid()
        for n in range(10):
            for horizon in range(10):
                p = ptf.conditional_probability_of_n_purchases_up_to_time(n, horizon, freq, recency, age)
                assert ((p >= 0) & (p <= 1)).all()

    def test_conditional_probability_of_n_purchases_up_to_time_adds_up_to_1(
        self, ptf: ParetoNBDFitter
    ) -> None:
        # Horizons up to 4: the heaviest buyers of the grid (x = 90, T = 0) expect about 35 purchases then,
        # and n < 100 leaves a tail below 1e-8. A coarser grid than lifetimes' keeps the 100 sums quick.
        freq, recency, age = _grid(30.0)
        for horizon in (1.0, 4.0):
            total = sum(
                ptf.conditional_probability_of_n_purchases_up_to_time(n, horizon, freq, recency, age)
                for n in range(100)
            )
            npt.assert_allclose(total, 1.0, atol=1e-8)

    def test_conditional_probability_alive_as_r_btyd(self) -> None:
        assert abs(_published().conditional_probability_alive(26.00, 30.86, 31.00) - 0.9979) < 0.001

    def test_conditional_probability_alive_overflow(self) -> None:
        model = ParetoNBDFitter()
        model.params_ = pd.Series(
            dict(zip(["r", "alpha", "s", "beta"], [10.465, 7.98565181e-03, 3.0516, 2.820], strict=True))
        )
        alive = model.conditional_probability_alive(
            np.array([40.0, 50.0, 50.0]), np.array([5.0, 1.0, 4.0]), np.array([6.0, 37.0, 37.0])
        )
        assert all(0 <= p <= 1 and np.isfinite(p) for p in alive)

    def test_conditional_probability_alive_matrix(self, ptf: ParetoNBDFitter) -> None:
        Z = ptf.conditional_probability_alive_matrix()
        max_t = int(ptf.data["T"].max())
        for t_x in range(Z.shape[0]):
            for x in range(Z.shape[1]):
                assert Z[t_x][x] == ptf.conditional_probability_alive(x, t_x, max_t)

    def test_fit_with_index(self, cdnow: pd.DataFrame) -> None:
        index = range(len(cdnow), 0, -1)
        model = ParetoNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], index=index)
        assert list(model.data.index) == list(index)
        model = ParetoNBDFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], index=None)
        assert list(model.data.index) != list(index)

    def test_fit_with_and_without_weights(self, cdnow: pd.DataFrame, ptf: ParetoNBDFitter) -> None:
        grouped = (
            cdnow.groupby(["frequency", "recency", "T"]).size().reset_index().rename(columns={0: "weights"})
        )
        weighted = ParetoNBDFitter().fit(
            grouped["frequency"], grouped["recency"], grouped["T"], grouped["weights"]
        )
        npt.assert_array_almost_equal(
            ptf._unload_params("r", "alpha", "s", "beta"),
            weighted._unload_params("r", "alpha", "s", "beta"),
            2,
        )
