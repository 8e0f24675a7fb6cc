#pragma once
/// \file
/// The Gauss hypergeometric function 2F1 on [0, 1), as the BG/NBD and sBG formulas need it.

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// Gauss hypergeometric function 2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k for 0 <= z < 1.
///
/// When c - a - b < 0 and a, b, c > 0 (the function grows without bound as z -> 1, and the terms of its
/// series grow with it: with a, b near 1,000 they overflow), Euler's transformation 2F1(a, b; c; z) = (1 -
/// z)^(c-a-b) 2F1(c-a, c-b; c; z) is summed instead, whose parameters are small. Summed directly from its
/// power series: each term is the previous one times (a+k)(b+k) z / ((c+k)(k+1)). The sum stops once the
/// estimated tail is below 1e-16 of the sum: once k exceeds |a|, |b|, |c| the ratio q of consecutive terms
/// tends monotonically to z, and the tail is bounded by |term| q / (1 - q) with q = max(next ratio, z). The
/// cost grows like 1/(1 - z): about 40 terms at z = 0.5, 4,000 at z = 0.99. The series terminates when a or b
/// is a non-positive integer.
///
/// Returns NaN (never throws) when the value is undefined or out of the domain handled here: z outside [0,
/// 1), any argument NaN, c a non-positive integer (unless the series terminates first), or more than 10^7
/// terms.
double hyp2f1(double a, double b, double c, double z) noexcept;

/// (1 - z)^s 2F1(a, b; c; z), computed without forming either factor when Euler's transformation applies
/// (see `hyp2f1`): (1 - z)^(s + c - a - b) 2F1(c - a, c - b; c; z). The BG/NBD predictions need it with
/// s = a, where the product stays in [0, 1] while each factor over- or underflows for heavy buyers.
double scaled_hyp2f1(double s, double a, double b, double c, double z) noexcept;

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
