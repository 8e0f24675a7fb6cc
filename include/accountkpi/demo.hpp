#pragma once
/// \file
/// The built-in demo book: a deterministic synthetic IT-services company.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/book/table.hpp"
#include "accountkpi/date.hpp"

namespace accountkpi::demo {

/// Size and shape of the demo book.
struct Options {
    std::uint64_t seed = 0;  ///< same seed, same book, on every machine
    int accounts = 300;      ///< accounts ever clients (including those acquired during the years)
    int years = 3;           ///< calendar years of activity, starting `start_year`
    int start_year = 2023;
    int lines_per_month = 1;  ///< revenue lines per active project and month (scales the revenue table)
    int managers = 0;         ///< farmers; 0 picks one per 25 accounts (at least 6)
    int closers = 0;          ///< closers; 0 picks one per 60 accounts (at least 2)
    /// Whether to generate the communications, requests and surveys tables. Without them the other tables
    /// are exactly the same (same seed, same accounts, projects, revenue), and a large book (10^7 revenue
    /// lines) generates several times faster: for benchmarks of the revenue and client KPIs.
    bool events = true;
};

/// The input tables of the demo book (as a user would hand them to `BookBuilder`), in schema order.
[[nodiscard]] std::vector<std::pair<std::string, Table>> tables(const Options& options = {});

/// The demo book itself.
[[nodiscard]] Book book(const Options& options = {});

}  // namespace accountkpi::demo
