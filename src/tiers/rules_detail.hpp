#pragma once
// Helpers of the business rules (health, prioritisation): numbers in their texts, written as the library's
// Python layer has always written them (a reason reads the same from C++ and from Python), and the order of
// external ids.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "accountkpi/book/ids.hpp"
#include "detail/text.hpp"

namespace accountkpi::detail {

/// `x` rounded to `decimals` places, halves to even (as numpy's `round`).
inline double round_to(double x, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::nearbyint(x * scale) / scale;
}

/// The shortest text that reads back as `x`, as Python's `repr(float)`: "0.67", "20.0", "-500.0", "1e+16".
inline std::string float_text(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    std::string sci(buf, r.ptr);  // "-d.ddde+XX"
    const auto e = sci.find('e');
    const int exponent = std::stoi(sci.substr(e + 1));
    std::string sign = sci[0] == '-' ? "-" : "";
    std::string digits;
    for (char c : sci.substr(sign.size(), e - sign.size())) {
        if (c != '.') digits += c;
    }
    if (exponent < -4 || exponent >= 16) {
        std::string mantissa = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
        const std::string exp = std::to_string(std::abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (exp.size() < 2 ? "0" : "") + exp;
    }
    if (exponent < 0) return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    const auto point = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= point) return sign + digits + std::string(point - digits.size(), '0') + ".0";
    return sign + digits.substr(0, point) + "." + digits.substr(point);
}

/// `x` rounded to a whole number (halves to even), as an integer's text: "-50".
inline std::string whole_text(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", std::nearbyint(x));
    return std::string(buf) == "-0" ? "0" : buf;
}

/// A fraction as a whole percent (Python's `:.0%`): 0.3 -> "30%".
inline std::string percent_text(double fraction) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f%%", fraction * 100);
    return buf;
}

/// Refuses a percent where a fraction is meant (`margin_floor = 15` for 15%): throws
/// `std::invalid_argument` unless `value` is in (0, 1].
inline void check_fraction(std::string_view name, double value) {
    if (value > 0 && value <= 1) return;
    const std::string hint =
        value > 1 && value <= 100 ? " (did you mean " + number_text(value / 100) + "?)" : "";
    throw std::invalid_argument(std::string(name) + " is a fraction in (0, 1] (0.15 = 15%), got " +
                                number_text(value) + hint);
}

/// Whether the external id of index `a` sorts before that of `b` (integers by value, texts by bytes).
inline bool id_less(const IdIndex& ids, std::int32_t a, std::int32_t b) {
    if (ids.kind() == IdIndex::Kind::integer) {
        const auto& v = ids.integers();
        return v[static_cast<std::size_t>(a)] < v[static_cast<std::size_t>(b)];
    }
    const auto& v = ids.texts();
    return v[static_cast<std::size_t>(a)] < v[static_cast<std::size_t>(b)];
}

}  // namespace accountkpi::detail
