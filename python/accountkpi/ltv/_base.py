"""What every fitter shares: inputs in the shapes lifetimes accepts, outputs in the same shape, the results
of a maximum-likelihood fit and their honesty (``converged_``), and saving to JSON."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BaseFitter", "ConvergenceWarning", "NotFittedError"]


class ConvergenceWarning(RuntimeWarning):
    """A maximum-likelihood fit stopped before converging; ``convergence_`` on the fitter says why."""


class NotFittedError(ValueError, RuntimeError):
    """A model was used before ``fit`` (a ValueError as in lifetimes, a RuntimeError as before)."""


def _column(values: Any, name: str) -> np.ndarray:
    """A contiguous 1-d float64 array of ``values`` (a view when it already is one)."""
    a = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-d, got shape {a.shape}")
    return a


def _threads(threads: Any) -> int:
    """``threads`` of a fit: a whole number >= 0 (0: one per core)."""
    if isinstance(threads, bool) or not isinstance(threads, int | np.integer) or threads < 0:
        raise ValueError(f"threads must be a whole number >= 0 (0: one per core), got {threads!r}")
    return int(threads)


def _index_of(*values: Any) -> pd.Index | None:
    """The index of the first pandas argument, so that predictions come back aligned with the input."""
    for v in values:
        if isinstance(v, pd.Series | pd.DataFrame):
            return v.index
    return None


def _broadcast(compute: Callable[..., np.ndarray], *values: Any) -> Any:
    """``compute`` on flat float64 columns of ``values`` broadcast together, returned in their shape.

    Scalars in give a Python float out (as lifetimes); a pandas argument gives a Series with its index;
    otherwise an array of the broadcast shape.
    """
    index = _index_of(*values)
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a.ravel()) for a in arrays]
    out = np.asarray(compute(*flat), dtype=np.float64)
    if not shape:
        return float(out[0])
    out = out.reshape(shape)
    if index is not None and out.ndim == 1 and len(index) == len(out):
        return pd.Series(out, index=index)
    return out


def _per_horizon(core: Callable[..., np.ndarray], params: Any) -> Callable[..., np.ndarray]:
    """A ``compute`` for :func:`_broadcast` whose first column is a horizon: ``core(params, horizon, *rows)``
    once per distinct horizon, on the rows that have it (the core functions take one horizon a call)."""

    def compute(horizons: np.ndarray, *columns: np.ndarray) -> np.ndarray:
        out = np.empty_like(columns[0])
        for horizon in np.unique(horizons):
            rows = horizons == horizon
            out[rows] = core(params, float(horizon), *(c[rows] for c in columns))
        return out

    return compute


def _summary(params: pd.Series, standard_errors: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "coef": params,
            "se(coef)": standard_errors,
            "lower 95% bound": params - 1.96 * standard_errors,
            "upper 95% bound": params + 1.96 * standard_errors,
        }
    )


class BaseFitter:
    """Shared bookkeeping of a maximum-likelihood fit (lifetimes' ``BaseFitter``).

    ``params_``, ``standard_errors_``, ``variance_matrix_``, ``confidence_intervals_`` and ``data`` are built
    from the fit's result on first access (on a few thousand customers the fit itself takes less time than
    building these pandas objects); assigning one replaces it, and a new fit replaces them all.

    ``log_likelihood_`` is the total log-likelihood at the estimates (penalty excluded); lifetimes'
    ``_negative_log_likelihood_`` (the mean negative log-likelihood, also without penalty here) is kept for
    code that reads it. ``converged_`` is False when the optimiser did not converge, the estimate is at the
    boundary of the parameter space, or the Hessian there is singular; ``convergence_["message"]`` says
    which, the fit warns with :class:`ConvergenceWarning`, and every prediction from it warns again.
    """

    _names: tuple[str, ...] = ()
    _lazy = ("params_", "standard_errors_", "variance_matrix_", "confidence_intervals_", "data")
    params_: pd.Series
    standard_errors_: pd.Series
    variance_matrix_: pd.DataFrame
    confidence_intervals_: pd.DataFrame
    log_likelihood_: float
    convergence_: dict[str, Any]

    def _store(
        self,
        out: dict[str, Any],
        data: dict[str, np.ndarray] | None = None,
        index: Any = None,
        verbose: bool = False,
    ) -> None:
        for name in self._lazy:
            self.__dict__.pop(name, None)
        self._fit_result = out
        self._fit_data = data
        self._fit_index = None if index is None else pd.Index(index)
        if data is not None and self._fit_index is not None:
            rows = len(next(iter(data.values())))
            if len(self._fit_index) != rows:
                raise ValueError(f"index has {len(self._fit_index)} labels but the data have {rows} rows")
        self.log_likelihood_ = float(out["log_likelihood"])
        weight = float(out.get("total_weight", 0.0) or 0.0)
        self._negative_log_likelihood_ = -self.log_likelihood_ / weight if weight > 0 else math.nan
        self.convergence_ = dict(out["convergence"])
        if verbose:
            print(f"{type(self).__name__}: {self.convergence_.get('message')}")
        if not self.converged_:
            warnings.warn(
                f"{type(self).__name__} did not converge ({self.convergence_.get('message')}); the "
                "parameters may be meaningless: check the data (a model without churn or spend "
                "heterogeneity has no finite estimate), or add a penalizer_coef",
                ConvergenceWarning,
                stacklevel=3,
            )

    @property
    def converged_(self) -> bool:
        """Whether the last fit converged to a usable estimate (True for parameters set by hand)."""
        return bool(self.__dict__.get("convergence_", {}).get("converged", True))

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes that are not set: the results of the last fit, built once.
        out = self.__dict__.get("_fit_result")
        data = self.__dict__.get("_fit_data")
        if out is None or name not in self._lazy or (name == "data" and data is None):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        names = list(self._names)
        value: pd.Series | pd.DataFrame
        if name == "params_":
            value = pd.Series(out["params"], index=names, dtype=float)
        elif name == "standard_errors_":
            value = pd.Series(out["standard_errors"], index=names, dtype=float)
        elif name == "variance_matrix_":
            value = pd.DataFrame(out["covariance"], index=names, columns=names)
        elif name == "confidence_intervals_":
            value = _summary(self.params_, self.standard_errors_)[["lower 95% bound", "upper 95% bound"]]
        else:
            value = pd.DataFrame(data, index=self.__dict__.get("_fit_index"))
        self.__dict__[name] = value
        return value

    def _require_fit(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit() first")

    def _unload_params(self, *names: str) -> list[float]:
        """The parameters ``names`` as floats (lifetimes' helper)."""
        self._require_fit()
        return [float(self.params_[n]) for n in names]

    def _params(self) -> tuple[float, ...]:
        """The parameters for a prediction; warns when they come from a fit that did not converge."""
        self._require_fit()
        values = tuple(float(self.params_[n]) for n in self._names)
        if not all(math.isfinite(v) for v in values):
            why = self.__dict__.get("convergence_", {}).get("message")
            raise ValueError(f"{type(self).__name__} has no finite estimate ({why}): it cannot predict")
        if not self.converged_:
            warnings.warn(
                f"predicting from a {type(self).__name__} fit that did not converge "
                f"({self.convergence_.get('message')})",
                ConvergenceWarning,
                stacklevel=3,
            )
        return values

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates, standard errors and normal 95 % intervals, one row per parameter."""
        self._require_fit()
        return _summary(self.params_, self.standard_errors_)

    def __repr__(self) -> str:
        name = f"accountkpi.ltv.{type(self).__name__}"
        if not hasattr(self, "params_"):
            return f"<{name}>"
        try:
            subjects = f" fitted with {self.data.shape[0]:d} subjects,"
        except AttributeError:
            subjects = ""
        params = ", ".join(f"{k}: {v:.2f}" for k, v in self.params_.items())
        return f"<{name}:{subjects} {params}>"

    # Saving and loading -------------------------------------------------------------------------------------
    def _settings(self) -> dict[str, Any]:
        """Constructor arguments saved with the model."""
        return {"penalizer_coef": getattr(self, "penalizer_coef", 0.0)}

    def to_dict(self, save_data: bool = True) -> dict[str, Any]:
        """The fitted model as plain JSON-able values (see :meth:`save_model`)."""
        self._require_fit()
        out: dict[str, Any] = {
            "model": type(self).__name__,
            "format": 1,
            "settings": self._settings(),
            "params": {k: float(v) for k, v in self.params_.items()},
        }
        if "_fit_result" in self.__dict__:
            fit = self._fit_result
            out["covariance"] = np.asarray(fit["covariance"], dtype=float).tolist()
            out["log_likelihood"] = self.log_likelihood_
            out["total_weight"] = float(fit.get("total_weight", math.nan))
            out["convergence"] = {k: v for k, v in self.convergence_.items()}
        if save_data and hasattr(self, "data") and self.data is not None:
            data = self.data
            out["data"] = {str(c): data[c].astype(float).tolist() for c in data.columns}
            if not isinstance(data.index, pd.RangeIndex):
                out["index"] = data.index.tolist()
        return json.loads(json.dumps(out, allow_nan=True))

    def save_model(
        self,
        path: str | Path,
        save_data: bool = True,
        save_generate_data_method: bool = True,
        values_to_save: Any = None,
    ) -> None:
        """Save the fitted model as JSON (lifetimes pickles with dill; JSON is portable and safe to load).

        The file holds ``model`` (the class name), ``params`` (by name, in the units of the data),
        ``covariance``, ``log_likelihood``, ``convergence`` and, with ``save_data``, the data of the fit.
        ``save_generate_data_method`` and ``values_to_save`` are accepted for lifetimes' signature and
        ignored: nothing executable is saved.

        Examples
        --------
        >>> import tempfile, os
        >>> from accountkpi.ltv import BetaGeoFitter
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
        >>> path = os.path.join(tempfile.mkdtemp(), "bgf.json")
        >>> bgf.save_model(path)
        >>> float(BetaGeoFitter().load_model(path).params_["alpha"])
        4.414
        """
        del save_generate_data_method, values_to_save
        Path(path).write_text(json.dumps(self.to_dict(save_data=save_data), indent=1))

    def load_model(self, path: str | Path) -> Any:
        """Load a model saved by :meth:`save_model` into this fitter (returns ``self``)."""
        saved = json.loads(Path(path).read_text())
        if saved.get("model") != type(self).__name__:
            raise ValueError(f"{path} holds a {saved.get('model')!r}, not a {type(self).__name__}")
        for k, v in saved.get("settings", {}).items():
            setattr(self, k, v)
        params = [saved["params"][n] for n in self._names]
        covariance = saved.get("covariance", np.full((len(params), len(params)), math.nan))
        out = {
            "params": params,
            "standard_errors": np.sqrt(np.diag(np.asarray(covariance, dtype=float))).tolist(),
            "covariance": np.asarray(covariance, dtype=float),
            "log_likelihood": saved.get("log_likelihood", math.nan),
            "total_weight": saved.get("total_weight", math.nan),
            "convergence": saved.get("convergence", {"converged": True, "message": "loaded"}),
        }
        data = saved.get("data")
        data_arrays = None if data is None else {k: np.asarray(v, dtype=float) for k, v in data.items()}
        self._store(out, data_arrays, saved.get("index"))
        if data is None:
            self.__dict__["data"] = None
        self._restore(saved)
        return self

    def _restore(self, saved: dict[str, Any]) -> None:
        """Model-specific state after :meth:`load_model` (nothing by default)."""
