#pragma once
/// \file
/// A typed way in: the input tables as rows of structs (designated initialisers, `std::chrono` dates,
/// `std::optional` for what may be missing, the domain's enumerations for vocabularies, text or integer ids),
/// appended one at a time or in batches, then validated and built by the same `BookBuilder` as columns are.
///
/// \code
/// using namespace std::chrono;
/// accountkpi::RowBuilder rows;
/// rows.add(accountkpi::rows::Account{.account_id = "A1", .region = "EMEA", .acquired_on = 2024y / 1 / 1});
/// rows.add(accountkpi::rows::Revenue{.account_id = "A1", .date = 2024y / 2 / 15, .amount = 1200.0});
/// const accountkpi::Book book = rows.build();  // throws ValidationError listing every problem
/// \endcode
///
/// A row's position in its table (0-based, in the order added) is the row that problems name. An optional
/// column is given to the builder only when at least one row has a value in it, so a column nobody filled in
/// means "not given", exactly as a missing column of a columnar table.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "accountkpi/book/book.hpp"
#include "accountkpi/book/builder.hpp"
#include "accountkpi/book/schema.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

namespace rows {

/// A calendar day (`2024y / 3 / 15` converts to it).
using Day = std::chrono::sys_days;

/// An id, as text or as an integer. All ids of one column must be of the same kind.
class Id {
  public:
    Id(std::string text) : value_(std::move(text)) {}         // NOLINT(google-explicit-constructor)
    Id(const char* text) : value_(std::string(text)) {}       // NOLINT(google-explicit-constructor)
    Id(std::string_view text) : value_(std::string(text)) {}  // NOLINT(google-explicit-constructor)
    template <std::integral T>
    requires(!std::same_as<T, bool>) Id(T number)
        : value_(static_cast<std::int64_t>(number)) {}  // NOLINT(google-explicit-constructor)
    [[nodiscard]] bool is_text() const noexcept { return value_.index() == 0; }
    [[nodiscard]] const std::string& text() const { return std::get<std::string>(value_); }
    [[nodiscard]] std::int64_t number() const { return std::get<std::int64_t>(value_); }

  private:
    std::variant<std::string, std::int64_t> value_;
};

/// A client (`accounts`). Without `acquired_on` the client spells are derived from the revenue.
struct Account {
    Id account_id;
    std::optional<std::string> name{};
    std::optional<std::string> region{};
    std::optional<std::string> domain{};
    std::optional<Id> parent_id{};
    std::optional<Day> acquired_on{};
    std::optional<Day> churned_on{};
};

/// An account manager (`managers`).
struct Manager {
    Id manager_id;
    Role role = Role::farmer;
    std::optional<Tier> tier{};
    std::optional<std::string> name{};
    std::optional<Id> reports_to{};  ///< the manager_id of the manager one reports to
    std::optional<Id> unit_id{};     ///< the unit one sits in
};

/// An organisational unit (`units`): a sales department, an account-management unit or a unit dedicated to
/// one client (`account_id`).
struct Unit {
    Id unit_id;
    UnitKind kind = UnitKind::account_management;
    std::optional<std::string> name{};
    std::optional<Id> head_id{};
    std::optional<Id> parent_id{};
    std::optional<Id> account_id{};
};

/// Who owns an account (or one project of it) from `start` to `end` (`assignments`).
struct Assignment {
    Id manager_id;
    Id account_id;
    Day start;
    std::optional<Day> end{};
    std::optional<Id> project_id{};
};

/// A project or deal (`projects`).
struct Project {
    Id project_id;
    Id account_id;
    Day signed_on;
    double value = 0;
    std::optional<ProjectKind> kind{};
    std::optional<Billing> billing{};
    std::optional<std::string> service_line{};
    std::optional<Day> start{};
    std::optional<Day> end{};
};

/// A revenue line (`revenue`); a credit note has a negative amount. `unit` is hour, day or month.
struct Revenue {
    Id account_id;
    Day date;
    double amount = 0;
    std::optional<double> cost{};
    std::optional<double> units{};
    std::optional<Billing> unit{};
    std::optional<Id> project_id{};
};

/// A communication with the client (`interactions`).
struct Interaction {
    Id account_id;
    Day date;
    Channel channel = Channel::email;
    std::optional<Id> manager_id{};
    std::optional<Party> party{};  ///< `Party::client` when not given
};

/// A client request and when it was answered (`requests`).
struct Request {
    Id account_id;
    Day received_on;
    std::optional<Day> responded_on{};
    std::optional<Id> project_id{};
};

/// A satisfaction survey answer (`surveys`).
struct Survey {
    Id account_id;
    Day date;
    SurveyKind kind = SurveyKind::csat;
    double score = 0;
};

/// A manager's target for a KPI (by its name, e.g. "retention_rate") over [begin, end) (`targets`).
struct Target {
    Id manager_id;
    std::string kpi;
    Day begin;
    Day end;
    double target = 0;
};

}  // namespace rows

/// Collects typed rows, then validates and builds a Book with `BookBuilder` (same checks, same
/// `ValidationError`, same quarantine mode). The columnar `BookBuilder` stays the zero-copy way in.
class RowBuilder {
  public:
    explicit RowBuilder(BuildOptions options = {}) : options_(options) {}

    RowBuilder& add(rows::Account row);
    RowBuilder& add(rows::Manager row);
    RowBuilder& add(rows::Assignment row);
    RowBuilder& add(rows::Project row);
    RowBuilder& add(rows::Revenue row);
    RowBuilder& add(rows::Interaction row);
    RowBuilder& add(rows::Request row);
    RowBuilder& add(rows::Survey row);
    RowBuilder& add(rows::Target row);
    RowBuilder& add(rows::Unit row);

    /// Appends a batch of rows of one table.
    template <class Row>
    RowBuilder& add(std::span<const Row> batch) {
        for (const Row& row : batch) add(Row(row));
        return *this;
    }
    template <class Row>
    RowBuilder& add(const std::vector<Row>& batch) {
        return add(std::span<const Row>(batch));
    }

    /// The columnar builder of the rows added so far. The ids of one column must be of one kind: the first
    /// row's id sets it, and each id of the other kind is a problem of its row.
    [[nodiscard]] BookBuilder columnar() const;
    /// Validates everything and builds the Book; throws `ValidationError` listing every problem.
    [[nodiscard]] Book build() const { return columnar().build(); }
    /// Quarantine mode: the Book of the rows without problems and every rejected row (see `BookBuilder`).
    [[nodiscard]] LenientBuild build_lenient() const { return columnar().build_lenient(); }

  private:
    BuildOptions options_;
    std::vector<rows::Account> accounts_;
    std::vector<rows::Manager> managers_;
    std::vector<rows::Assignment> assignments_;
    std::vector<rows::Project> projects_;
    std::vector<rows::Revenue> revenue_;
    std::vector<rows::Interaction> interactions_;
    std::vector<rows::Request> requests_;
    std::vector<rows::Survey> surveys_;
    std::vector<rows::Target> targets_;
    std::vector<rows::Unit> units_;
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
