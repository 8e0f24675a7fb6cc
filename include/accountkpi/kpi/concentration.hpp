#pragma once
/// \file
/// Revenue concentration (the 80/20 rule) over plain arrays of per-account revenue. Only positive values take
/// part (accounts without revenue are not "clients with revenue"); NaN or infinite values are rejected with
/// `std::invalid_argument`. With no positive value every measure is NaN. O(n log n).

#include <span>
#include <vector>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::kpi {

/// Share of the total held by the top `ceil(p * n)` values; `p` in (0, 1], default 0.2.
[[nodiscard]] double top_share(std::span<const double> values, double p = 0.2);
/// The smallest fraction of the values (largest first) whose sum reaches `threshold` (default 0.8) of the
/// total.
[[nodiscard]] double pareto_ratio(std::span<const double> values, double threshold = 0.8);
/// Gini coefficient `Σ_i (2i − n − 1) x_(i) / (n Σ x)` over ascending values (0: all equal; towards 1: one
/// value holds everything).
[[nodiscard]] double gini(std::span<const double> values);
/// Herfindahl-Hirschman index `Σ s_i²` of the shares, in 0..1 (times 10,000 for the antitrust scale).
[[nodiscard]] double hhi(std::span<const double> values);
/// The largest single share of the total.
[[nodiscard]] double largest_share(std::span<const double> values);

/// The Lorenz curve: points `(i/n, cumsum_i / total)` over ascending values, starting at (0, 0).
struct LorenzCurve {
    std::vector<double> population;  ///< cumulative share of accounts, 0..1
    std::vector<double> revenue;     ///< cumulative share of revenue, 0..1
};
[[nodiscard]] LorenzCurve lorenz(std::span<const double> values);

/// All the measures above from one sort, for the engine (values already positive, sorted ascending).
struct Concentration {
    double top_share, pareto_ratio, gini, hhi, largest_share;
};
[[nodiscard]] Concentration concentration_of_sorted(std::span<const double> ascending_positive, double p,
                                                    double threshold) noexcept;

}  // namespace accountkpi::kpi
ACCOUNTKPI_EXPORT_END
