#pragma once
/// \file
/// Lifetime-value models: BG/NBD, MBG/NBD, BG/BB, Gamma-Gamma, shifted-beta-geometric, their simulators,
/// and the simple formula, array-based (spans of doubles in, vectors out); and historical LTV and cohorts
/// measured on a Book.

#include "accountkpi/ltv/bgbb.hpp"            // IWYU pragma: export
#include "accountkpi/ltv/bgnbd.hpp"           // IWYU pragma: export
#include "accountkpi/ltv/book.hpp"            // IWYU pragma: export
#include "accountkpi/ltv/fit.hpp"             // IWYU pragma: export
#include "accountkpi/ltv/gamma_gamma.hpp"     // IWYU pragma: export
#include "accountkpi/ltv/hypergeometric.hpp"  // IWYU pragma: export
#include "accountkpi/ltv/mbgnbd.hpp"          // IWYU pragma: export
#include "accountkpi/ltv/pareto_nbd.hpp"      // IWYU pragma: export
#include "accountkpi/ltv/saved_model.hpp"     // IWYU pragma: export
#include "accountkpi/ltv/sbg.hpp"             // IWYU pragma: export
#include "accountkpi/ltv/simple.hpp"          // IWYU pragma: export
#include "accountkpi/ltv/simulate.hpp"        // IWYU pragma: export
