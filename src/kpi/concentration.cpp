#include "accountkpi/kpi/concentration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "accountkpi/detail/sum.hpp"

namespace accountkpi::kpi {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<double> positive_sorted(std::span<const double> values) {
    std::vector<double> v;
    v.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            throw std::invalid_argument("concentration: value at index " + std::to_string(i) +
                                        " is not finite");
        }
        if (values[i] > 0) v.push_back(values[i]);
    }
    std::sort(v.begin(), v.end());
    return v;
}

void check_fraction(double x, const char* what) {
    if (!(x > 0 && x <= 1))
        throw std::invalid_argument(std::string(what) + " must be in (0, 1], got " + std::to_string(x));
}

}  // namespace

Concentration concentration_of_sorted(std::span<const double> x, double p, double threshold) noexcept {
    const std::size_t n = x.size();
    if (n == 0) return {nan, nan, nan, nan, nan};
    detail::NeumaierSum total, weighted;
    for (std::size_t i = 0; i < n; ++i) {
        total.add(x[i]);
        weighted.add((2.0 * static_cast<double>(i + 1) - static_cast<double>(n) - 1.0) * x[i]);
    }
    const double t = total.value();
    Concentration c{};
    // Top ceil(p n) values; the small epsilon keeps 0.7 * 10 from becoming 8.
    const auto k = std::min(n, static_cast<std::size_t>(std::ceil(p * static_cast<double>(n) - 1e-9)));
    detail::NeumaierSum top;
    for (std::size_t i = n - std::max<std::size_t>(k, 1); i < n; ++i) top.add(x[i]);
    c.top_share = top.value() / t;
    detail::NeumaierSum running;
    std::size_t reached = n;
    for (std::size_t j = 0; j < n; ++j) {
        running.add(x[n - 1 - j]);
        if (running.value() >= threshold * t * (1 - 1e-12)) {
            reached = j + 1;
            break;
        }
    }
    c.pareto_ratio = static_cast<double>(reached) / static_cast<double>(n);
    c.gini = weighted.value() / (static_cast<double>(n) * t);
    detail::NeumaierSum squares;
    for (double v : x) squares.add((v / t) * (v / t));
    c.hhi = squares.value();
    c.largest_share = x[n - 1] / t;
    return c;
}

double top_share(std::span<const double> values, double p) {
    check_fraction(p, "top_share: p");
    const auto v = positive_sorted(values);
    return concentration_of_sorted(v, p, 0.8).top_share;
}
double pareto_ratio(std::span<const double> values, double threshold) {
    check_fraction(threshold, "pareto_ratio: threshold");
    const auto v = positive_sorted(values);
    return concentration_of_sorted(v, 0.2, threshold).pareto_ratio;
}
double gini(std::span<const double> values) {
    return concentration_of_sorted(positive_sorted(values), 0.2, 0.8).gini;
}
double hhi(std::span<const double> values) {
    return concentration_of_sorted(positive_sorted(values), 0.2, 0.8).hhi;
}
double largest_share(std::span<const double> values) {
    return concentration_of_sorted(positive_sorted(values), 0.2, 0.8).largest_share;
}

LorenzCurve lorenz(std::span<const double> values) {
    const auto v = positive_sorted(values);
    LorenzCurve c;
    c.population.push_back(0);
    c.revenue.push_back(0);
    if (v.empty()) return c;
    detail::NeumaierSum total;
    for (double x : v) total.add(x);
    detail::NeumaierSum running;
    const double n = static_cast<double>(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        running.add(v[i]);
        c.population.push_back(static_cast<double>(i + 1) / n);
        c.revenue.push_back(running.value() / total.value());
    }
    return c;
}

}  // namespace accountkpi::kpi
