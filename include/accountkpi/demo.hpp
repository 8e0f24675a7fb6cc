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
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::demo {

/// Why clients leave the demo company: the service they get, as the source article describes (most clients
/// who leave do so after a need was not handled well and in time). Each month a client may slip into neglect
/// (its manager's attention is elsewhere) and later recover; about one client-month in four is neglected, for
/// ten months on average. A neglected client is touched a fifth as often, has 30% of its requests left
/// unanswered and 40% answered after 2 days (else 5% and 25%), and answers surveys less happily (CSAT 1-2
/// 1.8 times as often, NPS 2 points lower). Its chance of leaving in a month is
/// `min(0.5, base / size^0.3 × exp(unanswered × U + late × L + unhappy × D + silence × S))` over what it got
/// in the three months before: `U` requests left unanswered and `L` answered late (each at most 3), `D` = 1
/// when its latest survey answer within six months was dissatisfied (CSAT 1-2 or NPS 0-6), `S` = 1 when it
/// was touched at most once in the two months before. The strengths are log hazard ratios: with the
/// defaults one unanswered request multiplies the chance of leaving by e^2 = 7.4, silence by e^2.5 = 12, and
/// a client of size 1 with no complaint leaves with chance 0.07% a month. All strengths 0 give a book whose
/// churn is unrelated to its service. The defaults give a quarterly churn of about 4% (3.3-4.2% over seeds
/// 0-4) and a next-quarter AUC of the default health score of 0.74 on the default demo book (0.74-0.84 over
/// seeds 0-4; 2023Q1-2025Q3).
struct ChurnReasons {
    double base = 0.0007;     ///< monthly chance of leaving of a client of size 1 with no complaint, 0-1
    double unanswered = 2.0;  ///< per request left unanswered in the three months before (at most 3 count)
    double late = 1.0;        ///< per request answered more than 2 days after it came (at most 3 count)
    double unhappy = 2.0;     ///< latest survey answer within six months dissatisfied
    double silence = 2.5;     ///< touched at most once in the two months before
    double neglect = 0.03;    ///< monthly chance that a well-served client slips into neglect, 0-1
    double recovery = 0.1;    ///< monthly chance that a neglected client is looked after again, 0-1
};

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
    /// Why and how often clients leave (see `ChurnReasons`).
    ChurnReasons churn;
};

/// The input tables of the demo book (as a user would hand them to `BookBuilder`), in schema order.
[[nodiscard]] std::vector<std::pair<std::string, Table>> tables(const Options& options = {});

/// The demo book itself.
[[nodiscard]] Book book(const Options& options = {});

}  // namespace accountkpi::demo
ACCOUNTKPI_EXPORT_END
