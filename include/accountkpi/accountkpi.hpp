#pragma once
/// \file
/// Everything of accountkpi: include this one header.

#include "accountkpi/book.hpp"     // IWYU pragma: export
#include "accountkpi/date.hpp"     // IWYU pragma: export
#include "accountkpi/demo.hpp"     // IWYU pragma: export
#include "accountkpi/format.hpp"   // IWYU pragma: export
#include "accountkpi/health.hpp"   // IWYU pragma: export
#include "accountkpi/kpi.hpp"      // IWYU pragma: export
#include "accountkpi/ltv.hpp"      // IWYU pragma: export
#include "accountkpi/tiers.hpp"    // IWYU pragma: export
#include "accountkpi/version.hpp"  // IWYU pragma: export
