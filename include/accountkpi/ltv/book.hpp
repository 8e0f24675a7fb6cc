#pragma once
/// \file
/// Lifetime value measured on a Book: historical LTV per account, cohort tables and the RFM summary the
/// models are fitted on.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/ltv/customer.hpp"

ACCOUNTKPI_EXPORT_BEGIN
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

/// The time unit of an RFM summary: purchases are counted once per unit, and recency and T are whole
/// numbers of units (weeks start on Monday, as pandas' "W"; months are calendar months).
enum class RfmUnit : std::uint8_t { day, week, month };

/// Parses "D", "W" or "M", case-insensitive, as lifetimes' `freq` codes.
/// \throws std::invalid_argument otherwise.
[[nodiscard]] RfmUnit parse_rfm_unit(std::string_view code);

/// The RFM summary of a Book's revenue lines, one row per account with a purchase, in account order.
struct RfmSummary {
    std::vector<std::int32_t> account;  ///< the account's index into `book.accounts()`, ascending
    std::vector<double> frequency;      ///< units with a purchase, minus 1
    std::vector<double> recency;        ///< units from the first to the last purchase
    std::vector<double> T;              ///< units from the first purchase to the end of observation
    std::vector<double>
        monetary_value;  ///< mean amount of the units with a purchase after the first; 0 if none
    [[nodiscard]] std::size_t size() const noexcept { return account.size(); }
    /// Row `i` as the scalar predictions take it.
    [[nodiscard]] CustomerRfm operator[](std::size_t i) const {
        return {
            .frequency = frequency[i], .recency = recency[i], .T = T[i], .monetary_value = monetary_value[i]};
    }
};

/// The RFM summary (lifetimes' `summary_data_from_transaction_data`) of `book`'s revenue lines: a purchase
/// is a day on which an account's lines add up to more than 0 (exactly, in millionths: a day whose credit
/// notes cancel its invoices is no purchase, a credit note never is one); purchases are then counted once
/// per `unit` with their amounts summed. Purchases in units after the one containing `end` (default: the day
/// of the last purchase in the book) are left out; accounts without a purchase up to then have no row.
/// One pass over the revenue lines.
[[nodiscard]] RfmSummary rfm(const Book& book, std::optional<Date> end = std::nullopt,
                             RfmUnit unit = RfmUnit::day);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
