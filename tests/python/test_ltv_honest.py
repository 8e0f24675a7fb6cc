"""Issue 17 from Python: T = 0 accepted, scalars in give scalars out, degenerate fits warn and say why,
predictions from them warn, heavy buyers get finite predictions, the missing lifetimes API."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi.ltv import BetaGeoFitter, ConvergenceWarning, GammaGammaFitter

PUBLISHED = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL 2005, CDNOW, weeks


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return ak.datasets.load_cdnow_summary_with_monetary_value()


def _published() -> BetaGeoFitter:
    model = BetaGeoFitter()
    model.params_ = PUBLISHED.copy()
    return model


def test_t_zero_is_accepted_in_the_fit_and_adds_nothing(cdnow: pd.DataFrame) -> None:
    newcomers = pd.DataFrame({"frequency": [0.0] * 30, "recency": [0.0] * 30, "T": [0.0] * 30})
    both = pd.concat([cdnow[["frequency", "recency", "T"]], newcomers], ignore_index=True)
    with_new = BetaGeoFitter().fit(both["frequency"], both["recency"], both["T"])
    without = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert with_new.converged_
    np.testing.assert_allclose(with_new.params_, without.params_, rtol=1e-7)
    assert with_new.log_likelihood_ == pytest.approx(without.log_likelihood_, abs=1e-8)


def test_t_zero_in_predictions_is_a_new_customer() -> None:
    bgf = _published()
    # x = t_x = T = 0: the conditional expectation is the unconditional one, and the customer is alive.
    assert bgf.conditional_expected_number_of_purchases_up_to_time(39, 0, 0, 0) == pytest.approx(
        bgf.expected_number_of_purchases_up_to_time(39), rel=1e-12
    )
    assert bgf.conditional_probability_alive(0, 0, 0) == 1.0


def test_scalars_in_give_floats_out_and_shapes_are_kept() -> None:
    bgf = _published()
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    for value in (
        bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86),
        bgf.conditional_probability_alive(2, 30.43, 38.86),
        bgf.expected_number_of_purchases_up_to_time(39),
        bgf.probability_of_n_purchases_up_to_time(39, 0),
        ggf.conditional_expected_average_profit(2, 22.35),
    ):
        assert type(value) is float
    grid = bgf.conditional_probability_alive(np.zeros((2, 3)) + 2, 5.0, 10.0)
    assert grid.shape == (2, 3)
    series = bgf.conditional_probability_alive(pd.Series([1, 2], index=["a", "b"]), [1.0, 2.0], 10.0)
    assert list(series.index) == ["a", "b"]
    # t broadcast with the customers, as lifetimes allows.
    per_t = bgf.conditional_expected_number_of_purchases_up_to_time(np.array([10.0, 39.0]), 2, 30.43, 38.86)
    assert per_t[1] == bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "why"),
    [
        pytest.param(
            [0.0] * 10, [0.0] * 10, [float(t) for t in range(5, 55, 5)], "not converged", id="no-repeat"
        ),
        pytest.param(
            [1, 2, 3, 4, 5, 2],
            [10, 20, 30, 40, 50, 15],
            [10, 20, 30, 40, 50, 15],
            "not converged",
            id="no-churn",
        ),
        pytest.param([3], [20], [30], "not converged", id="one-customer"),
        pytest.param([0, 0], [0, 0], [0, 0], "T = 0", id="all-t-zero"),
    ],
)
def test_degenerate_fits_warn_and_report_why(frequency, recency, T, why) -> None:
    with pytest.warns(ConvergenceWarning, match=why):
        bgf = BetaGeoFitter().fit(frequency, recency, T)
    assert not bgf.converged_
    assert why in bgf.convergence_["message"]
    if np.isfinite(bgf.params_).all():
        with pytest.warns(ConvergenceWarning, match="did not converge"):
            bgf.conditional_probability_alive(1, 1, 2)
    else:
        with pytest.raises(ValueError, match="no finite estimate"):
            bgf.conditional_probability_alive(1, 1, 2)


def test_gamma_gamma_without_heterogeneity_warns() -> None:
    with pytest.warns(ConvergenceWarning):
        ggf = GammaGammaFitter().fit([1, 2, 3, 4, 5, 6], [20.0] * 6)
    assert not ggf.converged_


def test_a_converged_fit_predicts_without_warnings(cdnow: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bgf = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
        bgf.conditional_probability_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert bgf.converged_


@pytest.mark.parametrize("x", [600.0, 1100.0, 5000.0, 1e5])
@pytest.mark.parametrize("t", [39.0, 520.0, 5200.0])
@pytest.mark.parametrize("recency", [36.0, 38.999])
def test_heavy_buyers_and_long_horizons_stay_finite(x: float, t: float, recency: float) -> None:
    bgf = _published()
    e = bgf.conditional_expected_number_of_purchases_up_to_time(t, x, recency, 39.0)
    assert math.isfinite(e) and e >= 0
    # Never more than a customer surely alive at his posterior mean rate would buy: (r+x)/(alpha+T) * t.
    assert e <= (0.243 + x) / (4.414 + 39.0) * t * (1 + 1e-9)
    # A customer quiet for 3 weeks after 5,000 purchases in 36 weeks is gone (P(alive) underflows to 0);
    # one who bought a moment ago is not.
    if recency > 38.9:
        assert e > 0


def test_summary_and_confidence_intervals(cdnow: pd.DataFrame) -> None:
    bgf = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    ci = bgf.confidence_intervals_
    assert list(ci.columns) == ["lower 95% bound", "upper 95% bound"]
    np.testing.assert_allclose(ci["upper 95% bound"] - bgf.params_, 1.96 * bgf.standard_errors_)
    assert list(bgf.summary.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    assert repr(bgf).startswith("<accountkpi.ltv.BetaGeoFitter: fitted with 2357 subjects, r: 0.24")


def test_initial_params_tol_and_verbose(cdnow: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    plain = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    started = BetaGeoFitter().fit(
        cdnow["frequency"],
        cdnow["recency"],
        cdnow["T"],
        initial_params=[1.0, 1.0, 1.0, 1.0],
        verbose=True,
        tol=1e-9,
    )
    assert "Newton" in capsys.readouterr().out
    np.testing.assert_allclose(plain.params_, started.params_, rtol=1e-6)
    with pytest.raises(ValueError, match="initial"):
        BetaGeoFitter().fit(
            cdnow["frequency"], cdnow["recency"], cdnow["T"], initial_params=[1.0, -1.0, 1, 1]
        )


def test_generate_new_data_follows_the_model() -> None:
    bgf = _published()
    sim = bgf.generate_new_data(size=20000, T=39.0, seed=3)
    assert len(sim) == 20000 and (sim["T"] == 39.0).all()
    # E[X(39)] = 1.197 for the model's customers (FHL 2005); the mean of 20,000 draws is within 0.06.
    assert sim["frequency"].mean() == pytest.approx(bgf.expected_number_of_purchases_up_to_time(39), abs=0.06)


def test_generate_new_data_of_mbgnbd_and_bgbb_follows_the_models() -> None:
    mbgf = ak.ltv.ModifiedBetaGeoFitter()
    mbgf.params_ = PUBLISHED.copy()
    sim = mbgf.generate_new_data(size=20000, T=39.0, seed=4)
    # E[X(39)] of MBG/NBD with these parameters; the mean of 20,000 draws is within 0.06 of it (its standard
    # error is about 0.02).
    assert sim["frequency"].mean() == pytest.approx(
        mbgf.expected_number_of_purchases_up_to_time(39), abs=0.06
    )
    assert ((sim["frequency"] == 0) & ~sim["alive"]).any()  # MBG/NBD: gone right after the first purchase
    bbf = ak.ltv.BetaGeoBetaBinomFitter()
    bbf.params_ = pd.Series({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
    draws = bbf.generate_new_data(size=20000, n_periods=6, seed=5)
    # The share of customers with x = 0..6 transactions in 6 opportunities against P(X(6) = x) (FHS 2010,
    # eq. 7): each within 0.015 (standard errors up to 0.0035).
    observed = draws["frequency"].value_counts(normalize=True).reindex(range(7), fill_value=0.0)
    expected = bbf.expected_number_of_transactions_in_first_n_periods(6)["model"]
    np.testing.assert_allclose(observed.to_numpy(), expected.to_numpy(), atol=0.015)


def test_saved_json_holds_the_parameters(tmp_path) -> None:
    bgf = _published()
    path = tmp_path / "m.json"
    bgf.save_model(path)
    saved = json.loads(path.read_text())
    assert saved["model"] == "BetaGeoFitter"
    assert saved["params"] == PUBLISHED.to_dict()
    with pytest.raises(ValueError, match="BetaGeoFitter"):
        GammaGammaFitter().load_model(path)


def test_unfitted_models_say_so() -> None:
    with pytest.raises(ValueError, match="fit"):
        BetaGeoFitter().conditional_probability_alive(1, 1, 2)
    assert repr(BetaGeoFitter()) == "<accountkpi.ltv.BetaGeoFitter>"


def test_a_model_saved_in_python_is_read_by_the_cpp_library(cdnow: pd.DataFrame, tmp_path) -> None:
    bgf = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    path = tmp_path / "bgf.json"
    bgf.save_model(path)
    saved = ak._core.ltv.load_saved_model(str(path))
    assert saved["model"] == "BetaGeoFitter" and saved["converged"]
    assert saved["params"] == bgf.params_.to_dict()  # exactly: JSON keeps every digit of a double
