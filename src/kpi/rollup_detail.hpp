#pragma once
// Private to the engine (src/kpi/engine.cpp, src/kpi/engine_rollup.cpp): the roll-up of the organisation's
// keys.

#include "accountkpi/book/book.hpp"
#include "accountkpi/kpi/engine.hpp"

namespace accountkpi::kpi {

/// `own`, the state of a request whose organisation keys (`team`, `unit`, `account_group`) hold the own cells
/// of a manager, of a unit's members or of an account, rolled up their trees: a team's cells are the sums
/// of the own cells of its head and of everyone below him, a unit's those of its sub-units, an account
/// group's those of its top account and all descendants (only top accounts keep rows). `own` itself when
/// no key rolls up.
[[nodiscard]] State roll_up(const Book& book, State own);

}  // namespace accountkpi::kpi
