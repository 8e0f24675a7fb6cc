// The weighted score shared by the scorecard, the health score and the prioritisation.
#include "accountkpi/tiers/score.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace accountkpi::tiers {

WeightedScore weighted_score(std::span<const double> values, std::span<const double> weights,
                             std::size_t min_defined) {
    if (values.size() != weights.size()) throw std::invalid_argument("weighted_score: one weight per value");
    std::size_t weighted = 0;
    WeightedScore out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!(weights[i] >= 0) || !std::isfinite(weights[i]))
            throw std::invalid_argument("weighted_score: weights must be finite and >= 0, got " +
                                        std::to_string(weights[i]));
        if (weights[i] > 0) ++weighted;
        if (weights[i] > 0 && !std::isnan(values[i])) ++out.defined;
    }
    if (out.defined == 0 || out.defined < std::min(min_defined, weighted)) return out;
    double sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (weights[i] > 0 && !std::isnan(values[i])) {
            out.weight += weights[i];
            sum += weights[i] * values[i];
        }
    }
    out.value = sum / out.weight;
    return out;
}

}  // namespace accountkpi::tiers
