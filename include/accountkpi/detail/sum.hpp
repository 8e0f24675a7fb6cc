#pragma once
/// \file
/// Summation: money exactly, in whole millionths of the currency unit in 128-bit integers (sums that cancel
/// are exactly 0, and the order of the additions never matters); other quantities by compensated (Neumaier)
/// summation.

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::detail {

/// A signed 128-bit integer (a GCC and Clang extension).
__extension__ using Int128 = __int128;

/// Money is counted in millionths of the currency unit.
inline constexpr double money_scale = 1e6;

/// 1.5 x 2^52: added to a double below 2^51 in magnitude, it rounds it to a whole number held in the low bits
/// of the sum's mantissa (and that number, added to its bits as an integer, becomes a double again).
inline constexpr double whole_number_magic = 0x1.8p52;

/// `x` as a whole number of millionths in `n`, rounded as `to_millionths` does, when that is below 2^51 in
/// magnitude (amounts under 2.2 billion: 64-bit arithmetic suffices); false, `n` untouched, otherwise.
[[gnu::always_inline]] inline bool small_millionths(double x, std::int64_t& n) noexcept {
    const double t = x * money_scale;
    if (!(std::abs(t) < 0x1p51)) return false;
    n = std::bit_cast<std::int64_t>(t + whole_number_magic) - std::bit_cast<std::int64_t>(whole_number_magic);
    return true;
}

/// Adds `x` in millionths (as `small_millionths` rounds it) to `sum` when it is below 2^51 millionths and the
/// sum does not overflow 64 bits; false, `sum` untouched, otherwise (the caller adds it in 128 bits).
[[gnu::always_inline]] inline bool add_small_millionths(std::int64_t& sum, double x) noexcept {
    std::int64_t n = 0, total = 0;
    if (!small_millionths(x, n) || __builtin_add_overflow(sum, n, &total)) return false;
    sum = total;
    return true;
}

/// `x` (finite, |x| < 10^30) as a whole number of millionths, rounded to the nearest (ties to even): a
/// decimal amount of up to 6 decimals is exact, whatever its binary rounding (0.1 is 100,000).
[[gnu::always_inline]] inline Int128 to_millionths(double x) noexcept {
    if (std::int64_t n = 0; small_millionths(x, n)) return n;
    // Larger: the whole units and the fraction apart (both exact), so that x * 10^6 is not rounded first.
    const double whole = std::trunc(x);
    return static_cast<Int128>(whole) * 1'000'000 +
           static_cast<Int128>(std::nearbyint((x - whole) * money_scale));
}

/// `n` as the nearest double (an integer, not divided by 10^6).
[[gnu::always_inline]] inline double to_double(Int128 n) noexcept {
    const auto low = static_cast<std::int64_t>(n);
    return low == n ? static_cast<double>(low) : static_cast<double>(n);
}

/// `n` millionths as a double (the nearest double to n / 10^6 while |n| < 2^53).
[[gnu::always_inline]] inline double from_millionths(Int128 n) noexcept {
    return to_double(n) / money_scale;
}

/// The exact sum of `x[0..n)` (finite, |x| < 10^13) in millionths: 8 independent lanes of 64-bit integers
/// over blocks short enough never to overflow (the compiler vectorises them), folded into 128 bits.
Int128 exact_sum(const double* x, std::size_t n) noexcept;

/// An exact money sum kept in 16 bytes, such as a pair of doubles of a record (see `kpi::State`).
[[gnu::always_inline]] inline Int128 load_exact(const double* at) noexcept {
    Int128 n;
    std::memcpy(&n, at, sizeof n);
    return n;
}
[[gnu::always_inline]] inline void add_exact(double* at, Int128 n) noexcept {
    const Int128 sum = load_exact(at) + n;
    std::memcpy(at, &sum, sizeof sum);
}

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
ACCOUNTKPI_EXPORT_END
