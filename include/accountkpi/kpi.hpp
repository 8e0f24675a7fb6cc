#pragma once
/// \file
/// The KPIs: definitions, options, the grouped engine, concentration over arrays.

#include "accountkpi/kpi/bridge.hpp"         // IWYU pragma: export
#include "accountkpi/kpi/cache.hpp"          // IWYU pragma: export
#include "accountkpi/kpi/concentration.hpp"  // IWYU pragma: export
#include "accountkpi/kpi/data_coverage.hpp"  // IWYU pragma: export
#include "accountkpi/kpi/engine.hpp"         // IWYU pragma: export
#include "accountkpi/kpi/kpis.hpp"           // IWYU pragma: export
#include "accountkpi/kpi/labels.hpp"         // IWYU pragma: export
#include "accountkpi/kpi/options.hpp"        // IWYU pragma: export
