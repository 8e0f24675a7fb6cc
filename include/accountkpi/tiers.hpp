#pragma once
/// \file
/// The management tiers: mandates, scorecards, the weighted score, prioritisation, coverage checks, what-ifs.

#include "accountkpi/tiers/coverage.hpp"   // IWYU pragma: export
#include "accountkpi/tiers/mandate.hpp"    // IWYU pragma: export
#include "accountkpi/tiers/priority.hpp"   // IWYU pragma: export
#include "accountkpi/tiers/score.hpp"      // IWYU pragma: export
#include "accountkpi/tiers/scorecard.hpp"  // IWYU pragma: export
#include "accountkpi/tiers/whatif.hpp"     // IWYU pragma: export
