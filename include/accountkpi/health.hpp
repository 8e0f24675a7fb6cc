#pragma once
/// \file
/// Account health: whether a health score predicts churn on a book's own history, and its weights fitted
/// there.

#include "accountkpi/health/backtest.hpp"  // IWYU pragma: export
