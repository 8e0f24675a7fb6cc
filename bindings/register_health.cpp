// Bindings of account health (accountkpi._core.health): the health score with its reasons, the ranking of
// scores against churn and the fitted weights. Arguments are converted first; the computation runs without
// the GIL.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/health.hpp"
#include "pybind11.hpp"

namespace accountkpi::bindings {
namespace {

using Doubles = py::array_t<double, py::array::c_style>;
using Flags = py::array_t<std::uint8_t, py::array::c_style>;
using Indices = py::array_t<std::int32_t, py::array::c_style>;

py::dict ranking_dict(const health::Ranking& r) {
    py::dict d;
    d["accounts"] = r.accounts;
    d["churners"] = r.churners;
    d["unscored"] = r.unscored;
    d["unscored_churners"] = r.unscored_churners;
    d["churn_rate"] = r.churn_rate;
    d["auc"] = r.auc;
    d["top_precision"] = r.top_precision;
    d["top_lift"] = r.top_lift;
    d["top_recall"] = r.top_recall;
    return d;
}

/// A dict of columns, one numpy array per field of `rows`.
template <class Row, class... Fields>
py::dict columns(const std::vector<Row>& rows, const std::pair<const char*, Fields Row::*>&... fields) {
    py::dict d;
    (
        [&] {
            using T = std::remove_cvref_t<decltype(rows.front().*(fields.second))>;
            std::vector<T> column;
            column.reserve(rows.size());
            for (const auto& r : rows) column.push_back(r.*(fields.second));
            d[fields.first] = adopt(std::move(column));
        }(),
        ...);
    return d;
}

py::dict logistic_dict(const health::LogisticFit& f) {
    py::dict d;
    d["intercept"] = f.intercept;
    d["coefficients"] = f.coefficients;
    d["log_likelihood"] = f.log_likelihood;
    d["iterations"] = f.iterations;
    d["converged"] = f.converged;
    return d;
}

health::LogisticOptions logistic_options(double l2, int max_iterations, double tolerance) {
    health::LogisticOptions o;
    o.l2 = l2;
    o.max_iterations = max_iterations;
    o.tolerance = tolerance;
    return o;
}

std::span<const double> matrix_span(const Doubles& a, std::size_t& columns) {
    if (a.ndim() != 2) throw py::value_error("expected a 2-d array (rows x columns)");
    columns = static_cast<std::size_t>(a.shape(1));
    return {a.data(), static_cast<std::size_t>(a.size())};
}

py::dict health_dict(health::HealthTable&& t) {
    std::vector<std::int8_t> band(t.rows());
    for (std::size_t i = 0; i < t.rows(); ++i) {
        band[i] =
            t.band[i] == health::HealthBand::unscored ? std::int8_t{-1} : static_cast<std::int8_t>(t.band[i]);
    }
    py::dict d;
    d["account"] = adopt(std::move(t.account));
    d["health"] = adopt(std::move(t.health));
    d["band"] = adopt(std::move(band));
    for (std::size_t c = 0; c < health::n_components; ++c) {
        d[py::str(std::string(health::name(static_cast<health::Component>(c))))] =
            adopt(std::move(t.components[c]));
    }
    d["requests"] = adopt(std::move(t.requests));
    d["unanswered"] = adopt(std::move(t.unanswered));
    d["reasons"] = py::cast(t.reasons);
    return d;
}

}  // namespace

health::HealthOptions health_options(const py::dict& rule, const py::dict& options) {
    health::HealthOptions o;
    o.weights = rule["weights"].cast<std::array<double, health::n_components>>();
    const auto bands = rule["bands"].cast<std::pair<double, double>>();
    o.at_risk_below = bands.first;
    o.watch_below = bands.second;
    o.cadence_target = rule["cadence_target"].cast<double>();
    o.margin_target = rule["margin_target"].cast<double>();
    o.unanswered_penalty = rule["unanswered_penalty"].cast<double>();
    o.min_components = rule["min_components"].cast<int>();
    o.kpi = kpi_options(options);
    return o;
}

void register_health(py::module_& m) {
    py::list component_names, defaults;
    const health::HealthOptions standard;
    for (std::size_t c = 0; c < health::n_components; ++c) {
        component_names.append(py::str(std::string(health::name(static_cast<health::Component>(c)))));
        defaults.append(standard.weights[c]);
    }
    m.attr("components") = py::tuple(component_names);
    m.attr("default_weights") = py::tuple(defaults);
    m.def(
        "score",
        [](const Book& book, const std::pair<Date::rep, Date::rep>& period, const py::dict& scope,
           const py::dict& rule, const py::dict& options) {
            const health::HealthOptions o = health_options(rule, options);
            const kpi::Scope listed = kpi_scope(scope);
            Interruption stop(python_signals);
            const InterruptionScope in_scope(&stop);
            health::HealthTable t;
            {
                py::gil_scoped_release release;
                t = health::health(book, Period{Date{period.first}, Date{period.second}}, listed, o);
            }
            return health_dict(std::move(t));
        },
        py::arg("book"), py::arg("period"), py::arg("scope"), py::arg("rule"), py::arg("options"),
        "The health score of every client of the period listed by the scope, worst first, with its "
        "components "
        "and reasons (band: 0 at_risk, 1 watch, 2 healthy, -1 not scored).");
    m.def(
        "ranking",
        [](const Doubles& health, const Flags& churned, double top_share) {
            health::Ranking r;
            {
                py::gil_scoped_release release;
                r = health::ranking(span_of(health), span_of(churned), top_share);
            }
            return ranking_dict(r);
        },
        py::arg("health"), py::arg("churned"), py::arg("top_share") = 0.1,
        "AUC, churn rate and the top share's precision, lift and recall of health scores against churn.");
    m.def(
        "backtest",
        [](const Doubles& health, const Flags& churned, const Indices& period, std::int32_t periods,
           std::vector<double> band_edges, double top_share) {
            health::BacktestOptions o;
            o.band_edges = std::move(band_edges);
            o.top_share = top_share;
            health::Backtest b;
            {
                py::gil_scoped_release release;
                b = health::backtest(span_of(health), span_of(churned), span_of(period), periods, o);
            }
            using R = health::Ranking;
            using B = health::Band;
            py::dict d;
            d["overall"] = ranking_dict(b.overall);
            d["periods"] = columns(
                b.periods, std::pair{"accounts", &R::accounts}, std::pair{"churners", &R::churners},
                std::pair{"unscored", &R::unscored}, std::pair{"unscored_churners", &R::unscored_churners},
                std::pair{"churn_rate", &R::churn_rate}, std::pair{"auc", &R::auc},
                std::pair{"top_precision", &R::top_precision}, std::pair{"top_lift", &R::top_lift},
                std::pair{"top_recall", &R::top_recall});
            d["bands"] = columns(b.bands, std::pair{"lower", &B::lower}, std::pair{"upper", &B::upper},
                                 std::pair{"accounts", &B::accounts}, std::pair{"churners", &B::churners},
                                 std::pair{"churn_rate", &B::churn_rate},
                                 std::pair{"share_of_churners", &B::share_of_churners});
            py::dict roc;
            roc["threshold"] = adopt(std::move(b.roc.threshold));
            roc["false_positive_rate"] = adopt(std::move(b.roc.false_positive_rate));
            roc["true_positive_rate"] = adopt(std::move(b.roc.true_positive_rate));
            d["roc"] = roc;
            return d;
        },
        py::arg("health"), py::arg("churned"), py::arg("period"), py::arg("periods"), py::arg("band_edges"),
        py::arg("top_share") = 0.1,
        "Backtest of health scores against churn: pooled ranking, per period, churn by band, ROC curve.");
    m.def(
        "fit_logistic",
        [](const Doubles& x, const Flags& y, double l2, bool non_negative, int max_iterations,
           double tolerance) {
            std::size_t columns = 0;
            const auto values = matrix_span(x, columns);
            auto o = logistic_options(l2, max_iterations, tolerance);
            o.non_negative = non_negative;
            health::LogisticFit f;
            {
                py::gil_scoped_release release;
                f = health::fit_logistic(values, columns, span_of(y), o);
            }
            return logistic_dict(f);
        },
        py::arg("x"), py::arg("y"), py::arg("l2") = 1.0, py::arg("non_negative") = true,
        py::arg("max_iterations") = 100, py::arg("tolerance") = 1e-9,
        "Ridge logistic regression by Newton's method, coefficients optionally constrained to >= 0.");
    m.def(
        "fit_weights",
        [](const Doubles& components, const Doubles& unanswered, const Flags& churned, double l2,
           int max_iterations, double tolerance) {
            std::size_t columns = 0;
            const auto values = matrix_span(components, columns);
            const auto o = logistic_options(l2, max_iterations, tolerance);
            health::WeightsFit f;
            {
                py::gil_scoped_release release;
                f = health::fit_weights(values, columns, span_of(unanswered), span_of(churned), o);
            }
            py::dict d;
            d["weights"] = f.weights;
            d["unanswered_penalty"] = f.unanswered_penalty;
            d["model"] = logistic_dict(f.model);
            d["rows"] = f.rows;
            d["churners"] = f.churners;
            return d;
        },
        py::arg("components"), py::arg("unanswered"), py::arg("churned"), py::arg("l2") = 1.0,
        py::arg("max_iterations") = 100, py::arg("tolerance") = 1e-9,
        "Health weights fitted to churn: a non-negative ridge logistic model on the components' shortfalls "
        "and the unanswered requests, as weights summing to 1 and a penalty per unanswered request.");
}

}  // namespace accountkpi::bindings
