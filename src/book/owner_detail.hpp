#pragma once
// Private helper of the Book and its builder (src/book/book.cpp, src/book/builder.cpp): who owns an account,
// or one of its projects, on a day, among the account's assignments. One definition for `Book::owner` and for
// the builder, which asks it once per event from a packed copy of the assignments.

#include <cstdint>

#include "accountkpi/book/book.hpp"

namespace accountkpi::detail {

/// The owner on day `d` of project `p` (else of the account) among the assignments `first` to `last` of one
/// account, sorted by start; `at(k)` gives assignment `k` with `start`, `end`, `project` and `manager`.
/// When assignments overlap, the one that started last wins (ties: the later one). `none` when none covers.
template <class At>
std::int32_t owner_among(std::uint32_t first, std::uint32_t last, std::int32_t p, Date d, const At& at) {
    std::int32_t account_owner = none, project_owner = none;
    for (auto k = first; k < last; ++k) {
        const auto& a = at(k);
        if (d < a.start) break;  // sorted by start: none further can cover d
        if (!(d < a.end)) continue;
        if (a.project == none) {
            account_owner = a.manager;
        } else if (a.project == p) {
            project_owner = a.manager;
        }
    }
    return project_owner != none ? project_owner : account_owner;
}

}  // namespace accountkpi::detail
