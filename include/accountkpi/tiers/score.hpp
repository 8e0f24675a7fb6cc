#pragma once
/// \file
/// The weighted score every composite of the library shares (the scorecard, the health score, the
/// prioritisation): `Σ weight × value / Σ weight` over the parts whose value is defined, undefined parts left
/// out and the weights of the others renormalised, never scored 0.

#include <cstddef>
#include <limits>
#include <span>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::tiers {

/// A weighted score and what it was computed from.
struct WeightedScore {
    /// `Σ weight × value / Σ weight` over the counted parts; NaN when no part is counted.
    double value = std::numeric_limits<double>::quiet_NaN();
    /// `Σ weight` over the counted parts (0 when none): a part's share of `value` is `weight × value / this`.
    double weight = 0;
    /// The defined parts (a value that is not NaN and a weight > 0), counted or not.
    std::size_t defined = 0;
    /// Whether the parts were counted: at least `min_defined` of them were defined.
    [[nodiscard]] bool scored() const noexcept { return weight > 0; }
};

/// The weighted score of `values` (one per part, NaN where undefined) under `weights` (one per part, finite
/// and >= 0: a part of weight 0 does not count). A part counts when its value is defined and its weight > 0;
/// when fewer than `min(min_defined, parts with a weight > 0)` parts count, none does (NaN: no score from
/// too little evidence). Parts are summed in order. Throws `std::invalid_argument` when the spans differ in
/// length or a weight is negative or not finite.
[[nodiscard]] WeightedScore weighted_score(std::span<const double> values, std::span<const double> weights,
                                           std::size_t min_defined = 1);

}  // namespace accountkpi::tiers
ACCOUNTKPI_EXPORT_END
