#pragma once
/// \file
/// Text forms of the library's values for logs and consoles: `operator<<` for `Date` (ISO "2025-03-31"),
/// `Period` (its label, "2025Q1"), `kpi::Kpi` (its name, "retention_rate"), `Problem` (its description, as
/// `ValidationError` lists it) and `tiers::Scorecard` (a small table), and `to_string` of each.
/// (`std::format` support waits for the compilers the project is built with: GCC 12 has no `<format>`.)

#include <iosfwd>
#include <string>

#include "accountkpi/book/errors.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"
#include "accountkpi/kpi/kpis.hpp"
#include "accountkpi/tiers/scorecard.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

std::ostream& operator<<(std::ostream& out, Date d);
std::ostream& operator<<(std::ostream& out, const Period& p);
std::ostream& operator<<(std::ostream& out, const Problem& p);
[[nodiscard]] std::string to_string(Date d);
[[nodiscard]] std::string to_string(const Period& p);
[[nodiscard]] std::string to_string(const Problem& p);

namespace kpi {
std::ostream& operator<<(std::ostream& out, Kpi k);
[[nodiscard]] std::string to_string(Kpi k);
}  // namespace kpi

class Book;

namespace tiers {
/// The period and score, then one line per goal (KPI, actual, target, attainment, weight) and the unscored
/// goals; the manager as its index (a Scorecard does not hold the Book's ids: see `labelled`).
std::ostream& operator<<(std::ostream& out, const Scorecard& card);
[[nodiscard]] std::string to_string(const Scorecard& card);

/// A scorecard printed with its manager's id in `book`: `std::cout << tiers::labelled(book, card)`. Both must
/// outlive it.
struct LabelledScorecard {
    const Book& book;
    const Scorecard& card;
};
[[nodiscard]] inline LabelledScorecard labelled(const Book& book, const Scorecard& card) noexcept {
    return {book, card};
}
std::ostream& operator<<(std::ostream& out, const LabelledScorecard& labelled);
[[nodiscard]] std::string to_string(const LabelledScorecard& labelled);
}  // namespace tiers

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
