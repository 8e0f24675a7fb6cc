#pragma once
/// \file
/// Account health: the health score with its reasons, whether a health score predicts churn on a book's own
/// history, and its weights fitted there.

#include "accountkpi/health/backtest.hpp"  // IWYU pragma: export
#include "accountkpi/health/score.hpp"     // IWYU pragma: export
