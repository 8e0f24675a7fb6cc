#pragma once
/// \file
/// The management tiers: mandates, scorecards, coverage checks.

#include "accountkpi/tiers/coverage.hpp"   // IWYU pragma: export
#include "accountkpi/tiers/mandate.hpp"    // IWYU pragma: export
#include "accountkpi/tiers/scorecard.hpp"  // IWYU pragma: export
#include "accountkpi/tiers/whatif.hpp"     // IWYU pragma: export
