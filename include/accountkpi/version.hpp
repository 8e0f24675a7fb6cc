#pragma once
/// \file
/// The library's version.

#include <string_view>

namespace accountkpi {

/// The library's version as "major.minor.patch".
[[nodiscard]] std::string_view version() noexcept;

}  // namespace accountkpi
