#pragma once
/// \file
/// The Gauss hypergeometric function 2F1 on [0, 1), as the BG/NBD and sBG formulas need it.

namespace accountkpi::ltv {

/// Gauss hypergeometric function 2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k for 0 <= z < 1.
///
/// Summed directly from its power series: each term is the previous one times (a+k)(b+k) z / ((c+k)(k+1)).
/// The sum stops once the estimated tail is below 1e-16 of the sum: once k exceeds |a|, |b|, |c| the ratio q
/// of consecutive terms tends monotonically to z, and the tail is bounded by |term| q / (1 - q) with q =
/// max(next ratio, z). The cost grows like 1/(1 - z): about 40 terms at z = 0.5, 4,000 at z = 0.99. The
/// series terminates when a or b is a non-positive integer.
///
/// Returns NaN (never throws) when the value is undefined or out of the domain handled here: z outside [0,
/// 1), any argument NaN, c a non-positive integer (unless the series terminates first), or more than 10^7
/// terms.
double hyp2f1(double a, double b, double c, double z) noexcept;

}  // namespace accountkpi::ltv
