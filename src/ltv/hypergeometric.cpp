// The Gauss hypergeometric series 2F1 on [0, 1) (see include/accountkpi/ltv/hypergeometric.hpp).
#include "accountkpi/ltv/hypergeometric.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace accountkpi::ltv {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Whether Euler's transformation gives the better series: the parameters are positive and the function
/// grows without bound towards z = 1.
bool euler_applies(double a, double b, double c) {
    return a > 0 && b > 0 && c > 0 && c - a - b < 0;
}

/// c - a - b with the larger of a, b subtracted first (exact when c equals it, as in 2F1(a, b; b; z)).
double excess(double a, double b, double c) {
    return std::abs(a) >= std::abs(b) ? (c - a) - b : (c - b) - a;
}

/// The power series of 2F1 on [0, 1).
double series(double a, double b, double c, double z) noexcept {
    if (z == 0) return 1;
    constexpr long max_terms = 10'000'000;
    constexpr double relative_tail = 1e-16;
    // When a, b, c > 0, every later term ratio is at most z * max(1, (a+j)/(j+1)) * max(1, (b+j)/(c+j)) for
    // j > k, and both factors are monotone in j: a geometric bound on the tail holds from the first term,
    // even for huge parameters (fitted BG/NBD parameters can reach 1e7). Otherwise the bound holds once every
    // factor (a+k), (b+k), (c+k) is positive and the ratio tends monotonically to z.
    const bool positive = a > 0 && b > 0 && c > 0;
    const double settled = positive ? 0.0 : std::max({0.0, -a, -b, -c, a, b, c}) + 1;
    // Thousands of terms are summed when z is near 1: accumulate in long double (64-bit mantissa on x86-64)
    // so that rounding stays below double precision.
    long double term = 1;
    long double sum = 1;
    for (long k = 0; k < max_terms; ++k) {
        const auto kd = static_cast<double>(k);
        if (a + kd == 0 || b + kd == 0)
            return static_cast<double>(sum);  // the series terminates: every later term is 0
        if (c + kd == 0) return nan;          // pole: c is a non-positive integer
        const long double ratio = static_cast<long double>(a + kd) * (b + kd) / ((c + kd) * (kd + 1)) * z;
        term *= ratio;
        sum += term;
        if (!std::isfinite(sum)) return nan;
        if (kd >= settled) {
            double q;
            if (positive) {
                q = z * std::max(1.0, (a + kd + 1) / (kd + 2)) * std::max(1.0, (b + kd + 1) / (c + kd + 1));
            } else {
                const double next = (a + kd + 1) * (b + kd + 1) / ((c + kd + 1) * (kd + 2)) * z;
                q = std::max(std::abs(next), z);
            }
            if (q < 1 && std::abs(term) * q / (1 - q) <= relative_tail * std::abs(sum))
                return static_cast<double>(sum);
        }
    }
    return nan;
}

}  // namespace

double hyp2f1(double a, double b, double c, double z) noexcept {
    if (std::isnan(a) || std::isnan(b) || std::isnan(c) || !(z >= 0 && z < 1)) return nan;
    if (euler_applies(a, b, c))
        return std::exp(excess(a, b, c) * std::log1p(-z)) * series(c - a, c - b, c, z);
    return series(a, b, c, z);
}

double scaled_hyp2f1(double s, double a, double b, double c, double z) noexcept {
    if (std::isnan(s) || std::isnan(a) || std::isnan(b) || std::isnan(c) || !(z >= 0 && z < 1)) return nan;
    if (euler_applies(a, b, c))
        return std::exp(((s - a) + (c - b)) * std::log1p(-z)) * series(c - a, c - b, c, z);
    return std::exp(s * std::log1p(-z)) * series(a, b, c, z);
}

}  // namespace accountkpi::ltv
