// The backtest of a health score against churn (AUC with mid-ranks, the top share, bands, ROC) and the
// fit of its weights by a non-negative ridge logistic regression (Newton's method on Eigen).
#include "accountkpi/health/backtest.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>

#include "detail/text.hpp"

namespace accountkpi::health {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const std::string& message) {
    throw std::invalid_argument("accountkpi::health: " + message);
}

void require_rows(std::size_t health, std::size_t churned) {
    if (health != churned) {
        fail("health has " + std::to_string(health) + " values but churned has " + std::to_string(churned));
    }
}

void require_outcome(std::span<const std::uint8_t> churned, std::size_t i) {
    if (churned[i] > 1)
        fail("churned[" + std::to_string(i) + "] = " + std::to_string(churned[i]) + " is not 0 or 1");
}

void require_health(std::span<const double> health, std::size_t i) {
    const double h = health[i];
    if (!std::isnan(h) && !(h >= 0 && h <= 100))
        fail("health[" + std::to_string(i) + "] = " + detail::number_text(h) + " is outside [0, 100]");
}

double ratio(double num, double den) {
    return den > 0 ? num / den : nan;
}

/// The scored observations' indices, by health from the lowest (most at risk) up.
std::vector<std::size_t> by_health(std::span<const double> health, std::span<const std::size_t> rows) {
    std::vector<std::size_t> order;
    order.reserve(rows.size());
    for (const std::size_t i : rows) {
        if (!std::isnan(health[i])) order.push_back(i);
    }
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return health[a] < health[b]; });
    return order;
}

/// Calls `group(begin, end, churners)` for each run of equal health in `order`.
template <class Group>
void for_each_tie(std::span<const double> health, std::span<const std::uint8_t> churned,
                  const std::vector<std::size_t>& order, Group&& group) {
    for (std::size_t b = 0; b < order.size();) {
        std::size_t e = b;
        std::int64_t churners = 0;
        while (e < order.size() && health[order[e]] == health[order[b]]) churners += churned[order[e++]];
        group(b, e, churners);
        b = e;
    }
}

Ranking rank(std::span<const double> health, std::span<const std::uint8_t> churned,
             std::span<const std::size_t> rows, double top_share) {
    Ranking r;
    const auto order = by_health(health, rows);
    for (const std::size_t i : rows) {
        if (std::isnan(health[i])) {
            ++r.unscored;
            r.unscored_churners += churned[i];
        } else {
            r.churners += churned[i];
        }
    }
    r.accounts = static_cast<std::int64_t>(order.size());
    const auto stayers = r.accounts - r.churners;
    const double top = top_share * static_cast<double>(r.accounts);
    double pairs = 0, caught = 0;  // churner-stayer pairs ranked right (ties one half); churners in the top
    std::int64_t stayers_below = 0;
    for_each_tie(health, churned, order, [&](std::size_t b, std::size_t e, std::int64_t churners) {
        const auto n = static_cast<std::int64_t>(e - b);
        const auto group_stayers = n - churners;
        const auto stayers_above = stayers - stayers_below - group_stayers;
        pairs += static_cast<double>(churners) *
                 (static_cast<double>(stayers_above) + 0.5 * static_cast<double>(group_stayers));
        const double taken = std::clamp(top - static_cast<double>(b), 0.0, static_cast<double>(n));
        caught += static_cast<double>(churners) * taken / static_cast<double>(n);
        stayers_below += group_stayers;
    });
    r.churn_rate = ratio(static_cast<double>(r.churners), static_cast<double>(r.accounts));
    r.auc = r.churners > 0 && stayers > 0
                ? pairs / (static_cast<double>(r.churners) * static_cast<double>(stayers))
                : nan;
    r.top_precision = ratio(caught, top);
    r.top_lift = r.churn_rate > 0 ? r.top_precision / r.churn_rate : nan;
    r.top_recall = ratio(caught, static_cast<double>(r.churners));
    return r;
}

void require_options(const BacktestOptions& o) {
    if (!(o.top_share > 0 && o.top_share <= 1))
        fail("top_share = " + detail::number_text(o.top_share) + " is not in (0, 1]");
    for (std::size_t k = 0; k < o.band_edges.size(); ++k) {
        const double e = o.band_edges[k];
        if (!(e > 0 && e < 100) || (k > 0 && !(o.band_edges[k - 1] < e)))
            fail("band edges must increase within (0, 100), got " + detail::number_text(e) + " at " +
                 std::to_string(k));
    }
}

std::vector<Band> bands(std::span<const double> health, std::span<const std::uint8_t> churned,
                        const std::vector<double>& edges, std::int64_t all_churners) {
    std::vector<Band> out(edges.size() + 1);
    for (std::size_t k = 0; k < out.size(); ++k) {
        out[k].lower = k == 0 ? 0.0 : edges[k - 1];
        out[k].upper = k == edges.size() ? 100.0 : edges[k];
    }
    for (std::size_t i = 0; i < health.size(); ++i) {
        if (std::isnan(health[i])) continue;
        const auto k =
            static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), health[i]) - edges.begin());
        ++out[k].accounts;
        out[k].churners += churned[i];
    }
    for (auto& b : out) {
        b.churn_rate = ratio(static_cast<double>(b.churners), static_cast<double>(b.accounts));
        b.share_of_churners = ratio(static_cast<double>(b.churners), static_cast<double>(all_churners));
    }
    return out;
}

RocCurve roc(std::span<const double> health, std::span<const std::uint8_t> churned,
             std::span<const std::size_t> rows, const Ranking& r) {
    RocCurve c;
    const auto order = by_health(health, rows);
    const auto positives = static_cast<double>(r.churners),
               negatives = static_cast<double>(r.accounts - r.churners);
    c.threshold.push_back(nan);
    c.false_positive_rate.push_back(ratio(0, negatives));
    c.true_positive_rate.push_back(ratio(0, positives));
    double tp = 0, fp = 0;
    for_each_tie(health, churned, order, [&](std::size_t b, std::size_t e, std::int64_t churners) {
        tp += static_cast<double>(churners);
        fp += static_cast<double>(static_cast<std::int64_t>(e - b) - churners);
        c.threshold.push_back(health[order[b]]);
        c.false_positive_rate.push_back(ratio(fp, negatives));
        c.true_positive_rate.push_back(ratio(tp, positives));
    });
    return c;
}

std::vector<std::size_t> all_rows(std::size_t n) {
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    return rows;
}

// --- The logistic fit. ---

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

double log1p_exp(double eta) {
    return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
}

/// The penalised negative log-likelihood of a logistic model whose design `x` has the intercept in
/// column 0 (not penalised).
struct Logistic {
    const Matrix& x;
    const Vector& y;
    double l2;

    [[nodiscard]] double log_likelihood(const Vector& beta) const {
        const Vector eta = x * beta;
        double ll = 0;
        for (Eigen::Index i = 0; i < eta.size(); ++i) ll += y(i) * eta(i) - log1p_exp(eta(i));
        return ll;
    }
    [[nodiscard]] double objective(const Vector& beta) const {
        return -log_likelihood(beta) + 0.5 * l2 * beta.tail(beta.size() - 1).squaredNorm();
    }
    void derivatives(const Vector& beta, Vector& gradient, Matrix& hessian) const {
        const Vector eta = x * beta;
        const Vector mu = eta.unaryExpr([](double e) { return 1.0 / (1.0 + std::exp(-e)); });
        const Vector w = mu.array() * (1.0 - mu.array());
        gradient = x.transpose() * (mu - y);
        hessian = x.transpose() * w.asDiagonal() * x;
        for (Eigen::Index j = 1; j < beta.size(); ++j) {
            gradient(j) += l2 * beta(j);
            hessian(j, j) += l2;
        }
    }
};

/// One Newton step over the free coefficients (`free[j]`), its length limited so that no constrained
/// coefficient turns negative and halved until the objective does not increase. Returns the coefficient
/// that hit 0 (to fix), or -1.
Eigen::Index newton_step(const Logistic& model, Vector& beta, const Vector& gradient, const Matrix& hessian,
                         const std::vector<bool>& free, bool non_negative) {
    std::vector<Eigen::Index> idx;
    for (Eigen::Index j = 0; j < beta.size(); ++j) {
        if (free[static_cast<std::size_t>(j)]) idx.push_back(j);
    }
    const auto k = static_cast<Eigen::Index>(idx.size());
    Matrix h(k, k);
    Vector g(k);
    for (Eigen::Index a = 0; a < k; ++a) {
        g(a) = gradient(idx[static_cast<std::size_t>(a)]);
        for (Eigen::Index b = 0; b < k; ++b)
            h(a, b) = hessian(idx[static_cast<std::size_t>(a)], idx[static_cast<std::size_t>(b)]);
    }
    const Vector d = -h.ldlt().solve(g);
    Vector step = Vector::Zero(beta.size());
    for (Eigen::Index a = 0; a < k; ++a) step(idx[static_cast<std::size_t>(a)]) = d(a);
    double longest = 1;
    Eigen::Index blocking = -1;
    for (Eigen::Index j = 1; non_negative && j < beta.size(); ++j) {
        if (step(j) < 0 && beta(j) + step(j) < 0) {
            const double t = beta(j) / -step(j);
            if (t < longest) {
                longest = t;
                blocking = j;
            }
        }
    }
    const double before = model.objective(beta);
    double t = longest;
    while (t > 1e-12 && model.objective(beta + t * step) > before + 1e-12 * std::abs(before)) t /= 2;
    if (t <= 1e-12) t = 0;
    beta += t * step;
    if (blocking >= 0 && t == longest) {
        beta(blocking) = 0;
        return blocking;
    }
    if (non_negative) beta.tail(beta.size() - 1) = beta.tail(beta.size() - 1).cwiseMax(0.0);
    return -1;
}

LogisticFit solve(const Matrix& x, const Vector& y, const LogisticOptions& o) {
    const Logistic model{x, y, o.l2};
    const Eigen::Index p = x.cols();
    Vector beta = Vector::Zero(p);
    const double mean = y.mean();
    beta(0) = mean > 0 && mean < 1 ? std::log(mean / (1 - mean)) : 0.0;
    std::vector<bool> free(static_cast<std::size_t>(p), true);
    LogisticFit fit;
    Vector gradient;
    Matrix hessian;
    for (fit.iterations = 0; fit.iterations < o.max_iterations; ++fit.iterations) {
        model.derivatives(beta, gradient, hessian);
        double largest = 0;
        for (Eigen::Index j = 0; j < p; ++j) {
            if (free[static_cast<std::size_t>(j)]) largest = std::max(largest, std::abs(gradient(j)));
        }
        if (largest < o.tolerance) {
            // Optimal over the free set: free the fixed coefficient whose increase helps most, if any.
            Eigen::Index best = -1;
            for (Eigen::Index j = 1; j < p; ++j) {
                if (!free[static_cast<std::size_t>(j)] && gradient(j) < -o.tolerance &&
                    (best < 0 || gradient(j) < gradient(best)))
                    best = j;
            }
            if (best < 0) {
                fit.converged = true;
                break;
            }
            free[static_cast<std::size_t>(best)] = true;
            continue;
        }
        const auto fixed = newton_step(model, beta, gradient, hessian, free, o.non_negative);
        if (fixed >= 0) free[static_cast<std::size_t>(fixed)] = false;
    }
    fit.intercept = beta(0);
    fit.coefficients.assign(beta.data() + 1, beta.data() + p);
    fit.log_likelihood = model.log_likelihood(beta);
    return fit;
}

}  // namespace

double auc(std::span<const double> health, std::span<const std::uint8_t> churned) {
    return ranking(health, churned).auc;
}

Ranking ranking(std::span<const double> health, std::span<const std::uint8_t> churned, double top_share) {
    require_rows(health.size(), churned.size());
    require_options(BacktestOptions{{}, top_share});
    for (std::size_t i = 0; i < health.size(); ++i) {
        require_health(health, i);
        require_outcome(churned, i);
    }
    return rank(health, churned, all_rows(health.size()), top_share);
}

Backtest backtest(std::span<const double> health, std::span<const std::uint8_t> churned,
                  std::span<const std::int32_t> period, std::int32_t periods,
                  const BacktestOptions& options) {
    require_rows(health.size(), churned.size());
    if (period.size() != health.size())
        fail("period has " + std::to_string(period.size()) + " values but health has " +
             std::to_string(health.size()));
    if (periods < 0) fail("periods = " + std::to_string(periods) + " is negative");
    require_options(options);
    std::vector<std::vector<std::size_t>> rows_of(static_cast<std::size_t>(periods));
    for (std::size_t i = 0; i < health.size(); ++i) {
        require_health(health, i);
        require_outcome(churned, i);
        if (period[i] < 0 || period[i] >= periods)
            fail("period[" + std::to_string(i) + "] = " + std::to_string(period[i]) + " is not in [0, " +
                 std::to_string(periods) + ")");
        rows_of[static_cast<std::size_t>(period[i])].push_back(i);
    }
    Backtest b;
    const auto rows = all_rows(health.size());
    b.overall = rank(health, churned, rows, options.top_share);
    for (const auto& r : rows_of) b.periods.push_back(rank(health, churned, r, options.top_share));
    b.bands = bands(health, churned, options.band_edges, b.overall.churners);
    b.roc = roc(health, churned, rows, b.overall);
    return b;
}

LogisticFit fit_logistic(std::span<const double> x, std::size_t columns, std::span<const std::uint8_t> y,
                         const LogisticOptions& options) {
    if (columns == 0 || x.size() != y.size() * columns)
        fail("x has " + std::to_string(x.size()) + " values, not " + std::to_string(y.size()) + " rows of " +
             std::to_string(columns));
    if (!(options.l2 >= 0) || !std::isfinite(options.l2))
        fail("l2 = " + detail::number_text(options.l2) + " must be finite and >= 0");
    if (options.max_iterations < 1) fail("max_iterations must be >= 1");
    if (!(options.tolerance > 0)) fail("tolerance must be > 0");
    const auto n = static_cast<Eigen::Index>(y.size());
    Matrix design(n, static_cast<Eigen::Index>(columns) + 1);
    Vector outcome(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        if (y[ui] > 1) fail("y[" + std::to_string(ui) + "] = " + std::to_string(y[ui]) + " is not 0 or 1");
        outcome(i) = y[ui];
        design(i, 0) = 1;
        for (std::size_t j = 0; j < columns; ++j) {
            const double v = x[ui * columns + j];
            if (!std::isfinite(v))
                fail("x[" + std::to_string(ui) + ", " + std::to_string(j) + "] = " + detail::number_text(v) +
                     " is not finite");
            design(i, static_cast<Eigen::Index>(j) + 1) = v;
        }
    }
    return solve(design, outcome, options);
}

WeightsFit fit_weights(std::span<const double> components, std::size_t columns,
                       std::span<const double> unanswered, std::span<const std::uint8_t> churned,
                       const LogisticOptions& options) {
    if (columns == 0 || components.size() != churned.size() * columns || unanswered.size() != churned.size())
        fail("components must hold " + std::to_string(churned.size()) + " rows of " +
             std::to_string(columns) + " values and unanswered one value a row");
    WeightsFit out;
    std::vector<double> x;
    std::vector<std::uint8_t> y;
    for (std::size_t i = 0; i < churned.size(); ++i) {
        const auto row = components.subspan(i * columns, columns);
        double sum = 0;
        int defined = 0;
        for (std::size_t j = 0; j < columns; ++j) {
            const double v = row[j];
            if (std::isnan(v)) continue;
            if (!(v >= 0 && v <= 100))
                fail("components[" + std::to_string(i) + ", " + std::to_string(j) +
                     "] = " + detail::number_text(v) + " is outside [0, 100]");
            sum += v;
            ++defined;
        }
        if (!(unanswered[i] >= 0) || !std::isfinite(unanswered[i]))
            fail("unanswered[" + std::to_string(i) + "] = " + detail::number_text(unanswered[i]) +
                 " is not a count >= 0");
        if (churned[i] > 1)
            fail("churned[" + std::to_string(i) + "] = " + std::to_string(churned[i]) + " is not 0 or 1");
        if (defined == 0) continue;
        const double mean = sum / defined;
        for (std::size_t j = 0; j < columns; ++j)
            x.push_back((100 - (std::isnan(row[j]) ? mean : row[j])) / 100);
        x.push_back(unanswered[i]);
        y.push_back(churned[i]);
        out.churners += churned[i];
    }
    out.rows = static_cast<std::int64_t>(y.size());
    if (y.empty()) fail("no observation has any component to fit the weights on");
    LogisticOptions constrained = options;
    constrained.non_negative = true;
    out.model = fit_logistic(x, columns + 1, y, constrained);
    const auto& c = out.model.coefficients;
    const double total = std::accumulate(c.begin(), c.end() - 1, 0.0);
    out.weights.assign(columns, 0.0);
    if (total > 0) {
        for (std::size_t j = 0; j < columns; ++j) out.weights[j] = c[j] / total;
        out.unanswered_penalty = 100 * c.back() / total;
    }
    return out;
}

}  // namespace accountkpi::health
