// Bindings of the lifetime-value models (accountkpi._core.ltv): numpy arrays in (converted once to contiguous
// float64, no per-row Python objects), numpy arrays out; fits and predictions run without the GIL.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "accountkpi/ltv.hpp"
#include "pybind11.hpp"

namespace accountkpi::bindings {
namespace {

using F64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
using ltv::BgNbdParams;
using ltv::GammaGammaParams;
using ltv::SbgParams;

std::span<const double> column(const F64& a, const char* name) {
    if (a.ndim() != 1)
        throw py::value_error(std::string(name) + " must be 1-d, got " + std::to_string(a.ndim()) + "-d");
    return {a.data(), static_cast<std::size_t>(a.shape(0))};
}

std::span<const double> optional_column(const std::optional<F64>& a, const char* name) {
    return a ? column(*a, name) : std::span<const double>{};
}

template <int N>
py::array_t<double> matrix(const Eigen::Matrix<double, N, N>& m) {
    py::array_t<double> out({N, N});
    auto v = out.mutable_unchecked<2>();
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) v(i, j) = m(i, j);
    return out;
}

py::dict convergence(const ltv::Convergence& c) {
    py::dict d;
    d["converged"] = c.converged;
    d["iterations"] = c.iterations;
    d["evaluations"] = c.evaluations;
    d["gradient_norm"] = c.gradient_norm;
    d["message"] = c.message;
    return d;
}

ltv::FitOptions options(double penalizer_coef, int max_iterations, double gradient_tolerance,
                        std::vector<double> initial = {}, unsigned threads = 0) {
    ltv::FitOptions o;
    o.penalizer_coef = penalizer_coef;
    o.max_iterations = max_iterations;
    o.gradient_tolerance = gradient_tolerance;
    o.initial = std::move(initial);
    o.threads = threads;
    return o;
}

/// The parameters of a four-parameter model (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB) in the order of its struct.
template <class Params>
Params params4(const std::array<double, 4>& p) {
    return {p[0], p[1], p[2], p[3]};
}
GammaGammaParams gg_params(const std::array<double, 3>& p) {
    return {p[0], p[1], p[2]};
}
SbgParams sbg_params(const std::array<double, 2>& p) {
    return {p[0], p[1]};
}

/// The parameters of each model in the order the Python layer reads them.
std::array<double, 4> values(const BgNbdParams& p) {
    return {p.r, p.alpha, p.a, p.b};
}
std::array<double, 4> values(const ltv::ParetoNbdParams& p) {
    return {p.r, p.alpha, p.s, p.beta};
}
std::array<double, 3> values(const GammaGammaParams& p) {
    return {p.p, p.q, p.v};
}
std::array<double, 4> values(const ltv::BgBbParams& p) {
    return {p.alpha, p.beta, p.gamma, p.delta};
}
std::array<double, 2> values(const SbgParams& p) {
    return {p.alpha, p.beta};
}

/// The result of any fit as the dict the Python layer reads (`total_weight` where the model has one).
template <class Fit>
py::dict fit_dict(const Fit& fit) {
    const auto params = values(fit.params);
    py::dict d;
    d["params"] = params;
    d["standard_errors"] = values(fit.standard_errors);
    d["covariance"] = matrix<std::tuple_size_v<decltype(params)>>(fit.covariance);
    d["log_likelihood"] = fit.log_likelihood;
    if constexpr (requires { fit.total_weight; }) d["total_weight"] = fit.total_weight;
    d["convergence"] = convergence(fit.convergence);
    return d;
}

/// A simulator's sample as the dict the Python layer reads: its columns by name (those the sample has),
/// `alive` as booleans.
template <class Sample>
py::dict sample_dict(Sample&& s) {
    std::vector<std::uint8_t> alive(s.alive.begin(), s.alive.end());
    py::dict d;
    d["frequency"] = adopt(std::move(s.frequency));
    d["recency"] = adopt(std::move(s.recency));
    if constexpr (requires { s.T; }) d["T"] = adopt(std::move(s.T));
    if constexpr (requires { s.n_periods; }) d["n_periods"] = adopt(std::move(s.n_periods));
    if constexpr (requires { s.lambda; }) d["lambda"] = adopt(std::move(s.lambda));
    if constexpr (requires { s.mu; }) d["mu"] = adopt(std::move(s.mu));
    if constexpr (requires { s.p; }) d["p"] = adopt(std::move(s.p));
    if constexpr (requires { s.theta; }) d["theta"] = adopt(std::move(s.theta));
    d["alive"] = adopt(std::move(alive)).attr("astype")("bool");
    return d;
}

/// Defines `name(params, <per_customer>, seed)`: `simulate(params, per_customer, seed)` without the GIL, its
/// sample as `sample_dict` makes it (a column of values as an array).
template <std::size_t N, class Simulate>
void def_simulator(py::module_& m, const char* name, const char* per_customer, Simulate simulate) {
    m.def(
        name,
        [simulate, per_customer](const std::array<double, N>& params, const F64& values, std::uint64_t seed) {
            const auto v = column(values, per_customer);
            decltype(simulate(params, v, seed)) s;
            {
                py::gil_scoped_release release;
                s = simulate(params, v, seed);
            }
            if constexpr (std::is_same_v<decltype(s), std::vector<double>>) {
                return adopt(std::move(s));
            } else {
                return sample_dict(std::move(s));
            }
        },
        py::arg("params"), py::arg(per_customer), py::arg("seed"));
}

template <class Fn>
py::array_t<double> map_scalar(const F64& t, Fn&& fn) {
    const auto in = column(t, "t");
    std::vector<double> out(in.size());
    {
        py::gil_scoped_release release;
        for (std::size_t i = 0; i < in.size(); ++i) out[i] = fn(in[i]);
    }
    return adopt(std::move(out));
}

/// A model of the BG/NBD shape (four parameters; x, t_x, T per customer): its C++ functions, bound in Python
/// as fit_<prefix>, <prefix>_log_likelihood, <prefix>_conditional_expected_number_of_purchases_up_to_time,
/// <prefix>_conditional_probability_alive, <prefix>_expected_number_of_purchases_up_to_time and
/// <prefix>_probability_of_n_purchases_up_to_time.
template <class Params, class Fit>
struct RfmModel {
    using Span = std::span<const double>;
    std::string prefix;
    const char* fit_doc;
    Fit (*fit)(Span, Span, Span, Span, const ltv::FitOptions&);
    double (*log_likelihood)(const Params&, Span, Span, Span, Span, Eigen::Vector4d*, Eigen::Matrix4d*);
    std::vector<double> (*conditional_expected)(const Params&, double, Span, Span, Span);
    std::vector<double> (*probability_alive)(const Params&, Span, Span, Span);
    double (*expected)(const Params&, double);
    double (*probability_of_n)(const Params&, double, double);
};

template <class Params, class Fit>
void register_rfm_model(py::module_& m, const RfmModel<Params, Fit>& model) {
    m.def(("fit_" + model.prefix).c_str(),
          [fn = model.fit](const F64& frequency, const F64& recency, const F64& T,
                           const std::optional<F64>& weights, double penalizer_coef, int max_iterations,
                           double gradient_tolerance, std::vector<double> initial, unsigned threads) {
              const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                         t = column(T, "T");
              const auto w = optional_column(weights, "weights");
              Fit fit;
              {
                  py::gil_scoped_release release;
                  fit = fn(f, r, t, w,
                           options(penalizer_coef, max_iterations, gradient_tolerance, std::move(initial),
                                   threads));
              }
              return fit_dict(fit);
          },
          py::arg("frequency"), py::arg("recency"), py::arg("T"), py::arg("weights") = py::none(),
          py::arg("penalizer_coef") = 0.0, py::arg("max_iterations") = 1000,
          py::arg("gradient_tolerance") = 1e-7, py::arg("initial") = std::vector<double>{}, py::kw_only(),
          py::arg("threads") = 0U, model.fit_doc);
    m.def((model.prefix + "_log_likelihood").c_str(),
          [fn = model.log_likelihood](const std::array<double, 4>& params, const F64& frequency,
                                      const F64& recency, const F64& T, const std::optional<F64>& weights) {
              const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                         t = column(T, "T");
              const auto w = optional_column(weights, "weights");
              py::gil_scoped_release release;
              return fn(params4<Params>(params), f, r, t, w, nullptr, nullptr);
          },
          py::arg("params"), py::arg("frequency"), py::arg("recency"), py::arg("T"),
          py::arg("weights") = py::none());
    m.def((model.prefix + "_conditional_expected_number_of_purchases_up_to_time").c_str(),
          [fn = model.conditional_expected](const std::array<double, 4>& params, double t,
                                            const F64& frequency, const F64& recency, const F64& T) {
              const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                         tt = column(T, "T");
              std::vector<double> out;
              {
                  py::gil_scoped_release release;
                  out = fn(params4<Params>(params), t, f, r, tt);
              }
              return adopt(std::move(out));
          },
          py::arg("params"), py::arg("t"), py::arg("frequency"), py::arg("recency"), py::arg("T"));
    m.def((model.prefix + "_conditional_probability_alive").c_str(),
          [fn = model.probability_alive](const std::array<double, 4>& params, const F64& frequency,
                                         const F64& recency, const F64& T) {
              const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                         tt = column(T, "T");
              std::vector<double> out;
              {
                  py::gil_scoped_release release;
                  out = fn(params4<Params>(params), f, r, tt);
              }
              return adopt(std::move(out));
          },
          py::arg("params"), py::arg("frequency"), py::arg("recency"), py::arg("T"));
    m.def((model.prefix + "_expected_number_of_purchases_up_to_time").c_str(),
          [fn = model.expected](const std::array<double, 4>& params, const F64& t) {
              const Params p = params4<Params>(params);
              return map_scalar(t, [&](double x) { return fn(p, x); });
          },
          py::arg("params"), py::arg("t"));
    m.def((model.prefix + "_probability_of_n_purchases_up_to_time").c_str(),
          [fn = model.probability_of_n](const std::array<double, 4>& params, const F64& t, const F64& n) {
              const auto tt = column(t, "t"), nn = column(n, "n");
              if (tt.size() != nn.size()) throw py::value_error("t and n must have the same size");
              const Params p = params4<Params>(params);
              std::vector<double> out(tt.size());
              {
                  py::gil_scoped_release release;
                  for (std::size_t i = 0; i < out.size(); ++i) out[i] = fn(p, tt[i], nn[i]);
              }
              return adopt(std::move(out));
          },
          py::arg("params"), py::arg("t"), py::arg("n"));
}

}  // namespace

void register_ltv(py::module_& m) {
    register_rfm_model<BgNbdParams, ltv::BgNbdFit>(
        m, {"bgnbd",
            "Fit BG/NBD; returns a dict (params r, alpha, a, b; standard_errors; covariance; log_likelihood; "
            "...).",
            ltv::fit_bgnbd, ltv::bgnbd_log_likelihood,
            ltv::conditional_expected_number_of_purchases_up_to_time, ltv::conditional_probability_alive,
            ltv::expected_number_of_purchases_up_to_time, ltv::probability_of_n_purchases_up_to_time});
    register_rfm_model<BgNbdParams, ltv::BgNbdFit>(
        m, {"mbgnbd", "Fit MBG/NBD; returns a dict like fit_bgnbd.", ltv::fit_mbgnbd,
            ltv::mbgnbd_log_likelihood, ltv::mbgnbd_conditional_expected_number_of_purchases_up_to_time,
            ltv::mbgnbd_conditional_probability_alive, ltv::mbgnbd_expected_number_of_purchases_up_to_time,
            ltv::mbgnbd_probability_of_n_purchases_up_to_time});
    register_rfm_model<ltv::ParetoNbdParams, ltv::ParetoNbdFit>(
        m, {"pareto_nbd", "Fit Pareto/NBD; returns a dict like fit_bgnbd (params r, alpha, s, beta).",
            ltv::fit_pareto_nbd, ltv::pareto_nbd_log_likelihood,
            ltv::pareto_nbd_conditional_expected_number_of_purchases_up_to_time,
            ltv::pareto_nbd_conditional_probability_alive,
            ltv::pareto_nbd_expected_number_of_purchases_up_to_time,
            ltv::pareto_nbd_probability_of_n_purchases_up_to_time});
    m.def(
        "pareto_nbd_conditional_probability_of_n_purchases_up_to_time",
        [](const std::array<double, 4>& params, double n, double t, const F64& frequency, const F64& recency,
           const F64& T) {
            const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                       tt = column(T, "T");
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::pareto_nbd_conditional_probability_of_n_purchases_up_to_time(
                    params4<ltv::ParetoNbdParams>(params), n, t, f, r, tt);
            }
            return adopt(std::move(out));
        },
        py::arg("params"), py::arg("n"), py::arg("t"), py::arg("frequency"), py::arg("recency"),
        py::arg("T"));

    // BG/BB
    m.def(
        "fit_bgbb",
        [](const F64& frequency, const F64& recency, const F64& n_periods, const std::optional<F64>& weights,
           double penalizer_coef, int max_iterations, double gradient_tolerance,
           std::vector<double> initial) {
            const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                       n = column(n_periods, "n_periods");
            const auto w = optional_column(weights, "weights");
            ltv::BgBbFit fit;
            {
                py::gil_scoped_release release;
                fit = ltv::fit_bgbb(
                    f, r, n, w,
                    options(penalizer_coef, max_iterations, gradient_tolerance, std::move(initial)));
            }
            return fit_dict(fit);
        },
        py::arg("frequency"), py::arg("recency"), py::arg("n_periods"), py::arg("weights") = py::none(),
        py::arg("penalizer_coef") = 0.0, py::arg("max_iterations") = 1000,
        py::arg("gradient_tolerance") = 1e-7, py::arg("initial") = std::vector<double>{},
        "Fit BG/BB; returns a dict (params alpha, beta, gamma, delta; standard_errors; covariance; ...).");
    m.def(
        "bgbb_log_likelihood",
        [](const std::array<double, 4>& params, const F64& frequency, const F64& recency,
           const F64& n_periods, const std::optional<F64>& weights) {
            const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                       n = column(n_periods, "n_periods");
            const auto w = optional_column(weights, "weights");
            py::gil_scoped_release release;
            return ltv::bgbb_log_likelihood(params4<ltv::BgBbParams>(params), f, r, n, w);
        },
        py::arg("params"), py::arg("frequency"), py::arg("recency"), py::arg("n_periods"),
        py::arg("weights") = py::none());
    m.def(
        "bgbb_conditional_expected_number_of_purchases_up_to_time",
        [](const std::array<double, 4>& params, double m_periods, const F64& frequency, const F64& recency,
           const F64& n_periods) {
            const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                       n = column(n_periods, "n_periods");
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::bgbb_conditional_expected_number_of_purchases_up_to_time(
                    params4<ltv::BgBbParams>(params), m_periods, f, r, n);
            }
            return adopt(std::move(out));
        },
        py::arg("params"), py::arg("m_periods"), py::arg("frequency"), py::arg("recency"),
        py::arg("n_periods"));
    m.def(
        "bgbb_conditional_probability_alive",
        [](const std::array<double, 4>& params, double m_periods, const F64& frequency, const F64& recency,
           const F64& n_periods) {
            const auto f = column(frequency, "frequency"), r = column(recency, "recency"),
                       n = column(n_periods, "n_periods");
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::bgbb_conditional_probability_alive(params4<ltv::BgBbParams>(params), m_periods, f,
                                                              r, n);
            }
            return adopt(std::move(out));
        },
        py::arg("params"), py::arg("m_periods"), py::arg("frequency"), py::arg("recency"),
        py::arg("n_periods"));
    m.def(
        "bgbb_probability_of_n_purchases",
        [](const std::array<double, 4>& params, double n, double x) {
            return ltv::bgbb_probability_of_n_purchases(params4<ltv::BgBbParams>(params), n, x);
        },
        py::arg("params"), py::arg("n"), py::arg("x"));

    // Gamma-Gamma
    m.def(
        "fit_gamma_gamma",
        [](const F64& frequency, const F64& monetary_value, const std::optional<F64>& weights,
           double penalizer_coef, int max_iterations, double gradient_tolerance, std::vector<double> initial,
           bool q_constraint) {
            const auto f = column(frequency, "frequency"), mv = column(monetary_value, "monetary_value");
            const auto w = optional_column(weights, "weights");
            ltv::GammaGammaFit fit;
            {
                py::gil_scoped_release release;
                fit = ltv::fit_gamma_gamma(
                    f, mv, w, options(penalizer_coef, max_iterations, gradient_tolerance, std::move(initial)),
                    q_constraint);
            }
            return fit_dict(fit);
        },
        py::arg("frequency"), py::arg("monetary_value"), py::arg("weights") = py::none(),
        py::arg("penalizer_coef") = 0.0, py::arg("max_iterations") = 1000,
        py::arg("gradient_tolerance") = 1e-7, py::arg("initial") = std::vector<double>{},
        py::arg("q_constraint") = false,
        "Fit Gamma-Gamma; returns a dict (params p, q, v; standard_errors; covariance; log_likelihood; "
        "...).");
    m.def(
        "gamma_gamma_conditional_expected_average_profit",
        [](const std::array<double, 3>& params, const F64& frequency, const F64& monetary_value) {
            const auto f = column(frequency, "frequency"), mv = column(monetary_value, "monetary_value");
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::conditional_expected_average_profit(gg_params(params), f, mv);
            }
            return adopt(std::move(out));
        },
        py::arg("params"), py::arg("frequency"), py::arg("monetary_value"));
    m.def(
        "customer_lifetime_value",
        [](const std::array<double, 3>& gg, const std::array<double, 4>& bg, const F64& frequency,
           const F64& recency, const F64& T, const F64& monetary_value, int months, double discount_rate,
           double units_per_month) {
            const auto f = column(frequency, "frequency"), r = column(recency, "recency"), t = column(T, "T");
            const auto mv = column(monetary_value, "monetary_value");
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::customer_lifetime_value(gg_params(gg), params4<BgNbdParams>(bg), f, r, t, mv,
                                                   months, discount_rate, units_per_month);
            }
            return adopt(std::move(out));
        },
        py::arg("gamma_gamma_params"), py::arg("bgnbd_params"), py::arg("frequency"), py::arg("recency"),
        py::arg("T"), py::arg("monetary_value"), py::arg("months") = 12, py::arg("discount_rate") = 0.01,
        py::arg("units_per_month") = 30.0);
    m.def(
        "units_per_month",
        [](const std::string& freq) {
            if (freq.size() != 1)
                throw py::value_error("freq must be one of 'D', 'W', 'M', 'H', got '" + freq + "'");
            return ltv::units_per_month(freq[0]);
        },
        py::arg("freq"));

    // sBG
    m.def(
        "fit_sbg",
        [](const F64& survivors, double penalizer_coef, int max_iterations, double gradient_tolerance) {
            const auto n = column(survivors, "survivors");
            ltv::SbgFit fit;
            {
                py::gil_scoped_release release;
                fit = ltv::fit_sbg(n, options(penalizer_coef, max_iterations, gradient_tolerance));
            }
            return fit_dict(fit);
        },
        py::arg("survivors"), py::arg("penalizer_coef") = 0.0, py::arg("max_iterations") = 1000,
        py::arg("gradient_tolerance") = 1e-7);
    m.def(
        "sbg_survival_function",
        [](const std::array<double, 2>& params, const F64& t) {
            const SbgParams p = sbg_params(params);
            return map_scalar(t, [&](double x) { return ltv::survival_function(p, x); });
        },
        py::arg("params"), py::arg("t"));
    m.def(
        "sbg_retention_rate",
        [](const std::array<double, 2>& params, const F64& t) {
            const SbgParams p = sbg_params(params);
            return map_scalar(t, [&](double x) { return ltv::retention_rate(p, x); });
        },
        py::arg("params"), py::arg("t"));
    m.def(
        "sbg_churn_probability",
        [](const std::array<double, 2>& params, const F64& t) {
            const SbgParams p = sbg_params(params);
            return map_scalar(t, [&](double x) { return ltv::churn_probability(p, x); });
        },
        py::arg("params"), py::arg("t"));
    m.def(
        "sbg_discounted_expected_residual_lifetime",
        [](const std::array<double, 2>& params, double discount_rate, int renewals) {
            return ltv::discounted_expected_residual_lifetime(sbg_params(params), discount_rate, renewals);
        },
        py::arg("params"), py::arg("discount_rate"), py::arg("renewals") = 0);

    // Simulators
    for (const bool modified : {false, true}) {
        def_simulator<4>(m, modified ? "simulate_mbgnbd" : "simulate_bgnbd", "T",
                         [modified](const auto& params, std::span<const double> t, std::uint64_t seed) {
                             return modified ? ltv::simulate_mbgnbd(params4<BgNbdParams>(params), t, seed)
                                             : ltv::simulate_bgnbd(params4<BgNbdParams>(params), t, seed);
                         });
    }
    def_simulator<4>(m, "simulate_pareto_nbd", "T",
                     [](const auto& params, std::span<const double> t, std::uint64_t seed) {
                         return ltv::simulate_pareto_nbd(params4<ltv::ParetoNbdParams>(params), t, seed);
                     });
    def_simulator<4>(m, "simulate_bgbb", "n_periods",
                     [](const auto& params, std::span<const double> n, std::uint64_t seed) {
                         return ltv::simulate_bgbb(params4<ltv::BgBbParams>(params), n, seed);
                     });
    def_simulator<3>(m, "simulate_gamma_gamma", "frequency",
                     [](const auto& params, std::span<const double> f, std::uint64_t seed) {
                         return ltv::simulate_gamma_gamma(gg_params(params), f, seed);
                     });
    m.def(
        "simulate_sbg",
        [](const std::array<double, 2>& params, int cohort_size, int periods, std::uint64_t seed) {
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::simulate_sbg(sbg_params(params), cohort_size, periods, seed);
            }
            return adopt(std::move(out));
        },
        py::arg("params"), py::arg("cohort_size"), py::arg("periods"), py::arg("seed"));

    // Saved models
    m.def(
        "load_saved_model",
        [](const std::string& path) {
            const ltv::SavedModel saved = ltv::load_saved_model(path);
            py::dict params;
            for (const auto& [name, value] : saved.params) params[py::str(name)] = value;
            py::dict d;
            d["model"] = saved.model;
            d["params"] = params;
            d["converged"] = saved.converged;
            return d;
        },
        py::arg("path"), "Read a model saved by save_model with the C++ reader (model, params, converged).");

    // Formulas
    m.def("ltv_simple", &ltv::ltv_simple, py::arg("margin_per_period"), py::arg("churn_per_period"),
          py::arg("discount_rate_per_period"), py::arg("horizon_periods") = py::none());
    m.def("per_period_rate", &ltv::per_period_rate, py::arg("annual_rate"), py::arg("periods_per_year"));
    m.def("hyp2f1", &ltv::hyp2f1, py::arg("a"), py::arg("b"), py::arg("c"), py::arg("z"));
    m.def("scaled_hyp2f1", &ltv::scaled_hyp2f1, py::arg("s"), py::arg("a"), py::arg("b"), py::arg("c"),
          py::arg("z"));

    // Measured on a Book
    m.def(
        "historical",
        [](const Book& book, Date::rep end, bool revenue) {
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = ltv::historical(book, Date{end},
                                      revenue ? ltv::Measure::revenue : ltv::Measure::gross_profit);
            }
            return adopt(std::move(out));
        },
        py::arg("book"), py::arg("end"), py::arg("revenue"));
    m.def(
        "cohorts",
        [](const Book& book, const std::string& freq, bool revenue, Date::rep end) {
            ltv::CohortTable t;
            {
                const Frequency f = parse_frequency(freq);
                py::gil_scoped_release release;
                t = ltv::cohorts(book, f, revenue ? ltv::CohortMeasure::revenue : ltv::CohortMeasure::logo,
                                 Date{end});
            }
            py::list periods;
            for (const auto& p : t.cohorts) periods.append(py::make_tuple(p.begin().days(), p.end().days()));
            return py::make_tuple(periods, py::cast(t.size), t.ages, adopt(std::move(t.cells)));
        },
        py::arg("book"), py::arg("freq"), py::arg("revenue"), py::arg("end"));
    m.def(
        "rfm",
        [](const Book& book, std::optional<Date::rep> end, const std::string& unit) {
            ltv::RfmSummary s;
            {
                const ltv::RfmUnit u = ltv::parse_rfm_unit(unit);
                py::gil_scoped_release release;
                s = ltv::rfm(book, end ? std::optional<Date>{Date{*end}} : std::nullopt, u);
            }
            return py::make_tuple(adopt(std::move(s.account)), adopt(std::move(s.frequency)),
                                  adopt(std::move(s.recency)), adopt(std::move(s.T)),
                                  adopt(std::move(s.monetary_value)));
        },
        py::arg("book"), py::arg("end"), py::arg("unit"),
        "RFM summary of the revenue lines: (account codes, frequency, recency, T, monetary_value).");
}

}  // namespace accountkpi::bindings
