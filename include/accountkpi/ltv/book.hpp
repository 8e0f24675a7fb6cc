#pragma once
/// \file
/// Lifetime value measured on a Book: historical LTV per account and cohort tables.

#include <cstdint>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"

namespace accountkpi::ltv {

/// What historical LTV and revenue cohorts add up.
enum class Measure : std::uint8_t { gross_profit, revenue };

/// Historical LTV per account (indexed like `book.accounts()`): the sum of `measure` over the account's
/// revenue lines dated before `end` (from its first line on), in currency; 0 for an account without lines.
/// Exact to the cent (compensated sums). One pass over the revenue lines before `end`.
[[nodiscard]] std::vector<double> historical(const Book& book, Date end,
                                             Measure measure = Measure::gross_profit);

/// What a cohort table shows.
enum class CohortMeasure : std::uint8_t {
    logo,     ///< share of the cohort's accounts that are clients on the last day of the period
    revenue,  ///< the cohort's revenue in the period / its revenue in its first period
};

/// Accounts grouped by the calendar period (`freq`) of their first acquisition (reactivated accounts stay in
/// their first cohort), followed over the periods since then. Cell (c, k) is the measure `k` periods after
/// cohort `c`'s own period; cells a cohort has not reached by `end` are NaN, never 0.
struct CohortTable {
    std::vector<Period> cohorts;     ///< the cohorts' periods, ascending
    std::vector<std::int64_t> size;  ///< accounts per cohort
    std::size_t ages = 0;            ///< columns: ages 0 .. ages - 1
    std::vector<double> cells;       ///< row-major [cohort][age]
    [[nodiscard]] double at(std::size_t c, std::size_t k) const { return cells[c * ages + k]; }
};

/// The cohort table of `book` up to `end` (exclusive; the periods that end after it are not reached yet).
[[nodiscard]] CohortTable cohorts(const Book& book, Frequency freq, CohortMeasure measure, Date end);

}  // namespace accountkpi::ltv
