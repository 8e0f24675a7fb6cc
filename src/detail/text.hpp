#pragma once
// Numbers in the library's messages: one text form, at the precision a message needs.

#include <sstream>
#include <string>

namespace accountkpi::detail {

/// `x` with `significant` digits as `std::ostream` writes it, the same as `printf("%g")` and Python's `:g` at
/// 6 ("0.5", "1e+06"): 6 for thresholds and scores a user typed, 10 for input values, 17 for a parameter that
/// must round-trip.
inline std::string number_text(double x, int significant = 6) {
    std::ostringstream out;
    out.precision(significant);
    out << x;
    return out.str();
}

}  // namespace accountkpi::detail
