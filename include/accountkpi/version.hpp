#pragma once
/// \file
/// The library's version.

#include <string_view>

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// The library's version as "major.minor.patch".
[[nodiscard]] std::string_view version() noexcept;

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
