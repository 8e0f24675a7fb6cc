#pragma once
/// \file
/// The Book: an immutable, validated, columnar store of a company's client accounts and everything that
/// happened with them. Built by `BookBuilder`; cheap to copy (copies share the same immutable data) and safe
/// to read from many threads at once.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book/array.hpp"
#include "accountkpi/book/ids.hpp"
#include "accountkpi/book/schema.hpp"
#include "accountkpi/date.hpp"
#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi {

/// "No row": the index stored where an optional reference is absent (no project, no owner, no parent).
inline constexpr std::int32_t none = -1;

/// Accounts (clients), one row per account, in the order first seen.
struct AccountTable {
    IdIndex ids;
    std::vector<std::string> name;     ///< "" when not given
    std::vector<std::int32_t> region;  ///< code into `regions`, or `none`
    std::vector<std::int32_t> domain;  ///< code into `domains`, or `none`
    std::vector<std::int32_t> parent;  ///< account index of the parent account, or `none`
    Categories regions;
    Categories domains;
    [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

/// Derived, one row per account: the first and the last day of the account's dated rows (revenue lines,
/// interactions, requests received, surveys, and each project from its signing to its end, `Date::max()`
/// while it has none); `Date::max()` and `Date::null()` for an account without any. A grouped request's rows
/// are the accounts seen or a client in its periods (see `kpi::Request`). Apart from `AccountTable`, which an
/// append leaves unchanged, because appended events move them.
struct SightingTable {
    std::vector<Date> first_seen;
    std::vector<Date> last_seen;
    [[nodiscard]] std::size_t size() const noexcept { return first_seen.size(); }
};

/// Client spells `[begin, end)`, sorted by account then begin; `end == Date::max()` while still a client.
/// The spells of account `a` are rows `offsets[a]` to `offsets[a + 1]`.
struct SpellTable {
    std::vector<std::int32_t> account;
    std::vector<Date> begin;
    std::vector<Date> end;
    std::vector<std::uint8_t> derived;  ///< 1 when derived from revenue, 0 when given in `accounts`
    std::vector<std::uint32_t> offsets;
    [[nodiscard]] std::size_t size() const noexcept { return account.size(); }
};

/// Account managers.
struct ManagerTable {
    IdIndex ids;
    std::vector<std::string> name;
    std::vector<Role> role;
    std::vector<Tier> tier;
    std::vector<std::int32_t> reports_to;  ///< manager index of the manager one is reporting to, or `none`
    std::vector<std::int32_t> unit;        ///< unit index (see `UnitTable`), or `none`
    [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

/// Organisational units: sales departments, account-management units and units dedicated to one client,
/// nested through `parent`. Reporting lines and the unit tree have no cycles (checked at build).
struct UnitTable {
    IdIndex ids;
    std::vector<std::string> name;  ///< "" when not given
    std::vector<UnitKind> kind;
    std::vector<std::int32_t> head;     ///< manager index of the unit's head, or `none`
    std::vector<std::int32_t> parent;   ///< unit index of the enclosing unit, or `none`
    std::vector<std::int32_t> account;  ///< a client unit's account index; `none` for the other kinds
    [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

/// Who owns which account (or one project of it) when, sorted by account then start; `end == Date::max()`
/// while open.
struct AssignmentTable {
    std::vector<std::int32_t> manager;
    std::vector<std::int32_t> account;
    std::vector<std::int32_t> project;  ///< `none` for the whole account
    std::vector<Date> start;
    std::vector<Date> end;
    std::vector<std::uint32_t>
        offsets;  ///< the assignments of account `a` are rows `offsets[a]` to `offsets[a+1]`
    [[nodiscard]] std::size_t size() const noexcept { return manager.size(); }
};

/// Projects (deals), sorted by `signed_on`; a project's index is its row here.
struct ProjectTable {
    IdIndex ids;
    std::vector<std::int32_t> account;
    std::vector<std::int32_t> service_line;  ///< code into `service_lines`, or `none`
    std::vector<ProjectKind> kind;
    std::vector<Date> signed_on;
    std::vector<Date> start;    ///< `Date::null()` when not given
    std::vector<Date> end;      ///< `Date::null()` when not given
    std::vector<double> value;  ///< currency
    std::vector<Billing> billing;
    std::vector<std::int32_t> manager;  ///< derived: the owner on `signed_on`, or `none`
    Categories service_lines;
    [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

/// Revenue lines, sorted by date (stable: lines of one day keep their input order). The number columns
/// share the input's memory when it was given in date order with an owner (see `Column`), else are the
/// Book's own, made by a build with room after the lines (see `Array::with_room`). A Book appended to another
/// (`BookBuilder::append_to`) shares its columns, writing the new lines in that room, where it can (see
/// `Array::appended`). `project`, `units` and `manager` are absent (empty) when no line can have one (the
/// input has no project_id or units column; the Book has no assignments): no memory holds them. Read them
/// per line through `project_of`, `units_of` and `manager_of`, whole through `every_project`, `every_units`
/// and `every_manager`.
struct RevenueTable {
    Array<Date> date;
    Array<std::int32_t> account;
    Array<std::int32_t> project;  ///< `none` when not given; empty when absent
    Array<double> amount;         ///< currency; negative for credit notes
    Array<double> cost;           ///< currency; 0 when not given
    Array<double> units;          ///< NaN when not given; empty when absent
    Array<Billing> unit;          ///< `Billing::none` when not given
    /// derived: the owner of the project (else the account) on `date`, or `none`; empty when absent
    Array<std::int32_t> manager;
    [[nodiscard]] std::size_t size() const noexcept { return date.size(); }
    /// The project of line `i`: `none` when not given, as on every line when `project` is absent.
    [[nodiscard]] std::int32_t project_of(std::size_t i) const noexcept { return at(project, i, none); }
    /// The units of line `i`: NaN when not given, as on every line when `units` is absent.
    [[nodiscard]] double units_of(std::size_t i) const noexcept { return at(units, i, no_units); }
    /// The manager of line `i`: `none` when it has no owner, as on every line when `manager` is absent.
    [[nodiscard]] std::int32_t manager_of(std::size_t i) const noexcept { return at(manager, i, none); }
    /// `project` with a value per line (a new array of `none` when absent).
    [[nodiscard]] Array<std::int32_t> every_project() const { return every(project, none); }
    /// `units` with a value per line (a new array of NaN when absent).
    [[nodiscard]] Array<double> every_units() const { return every(units, no_units); }
    /// `manager` with a value per line (a new array of `none` when absent).
    [[nodiscard]] Array<std::int32_t> every_manager() const { return every(manager, none); }

  private:
    static constexpr double no_units = std::numeric_limits<double>::quiet_NaN();
    template <class T>
    [[nodiscard]] static T at(const Array<T>& column, std::size_t i, T absent) noexcept {
        return column.empty() ? absent : column[i];
    }
    template <class T>
    [[nodiscard]] Array<T> every(const Array<T>& column, T absent) const {
        return column.empty() ? Array<T>::filled(size(), absent) : column;
    }
};

/// Communications, sorted by date.
struct InteractionTable {
    std::vector<Date> date;
    std::vector<std::int32_t> account;
    std::vector<std::int32_t> manager;  ///< as given, else the account's owner on `date`, or `none`
    std::vector<Channel> channel;
    std::vector<Party> party;  ///< `Party::client` when not given
    [[nodiscard]] std::size_t size() const noexcept { return date.size(); }
};

/// Client requests, sorted by `received_on`.
struct RequestTable {
    std::vector<Date> received_on;
    std::vector<Date> responded_on;  ///< `Date::null()` while unanswered
    std::vector<std::int32_t> account;
    std::vector<std::int32_t> project;  ///< the project the request turned into, or `none`
    std::vector<std::int32_t> manager;  ///< derived: the account's owner on `received_on`
    [[nodiscard]] std::size_t size() const noexcept { return received_on.size(); }
};

/// Survey answers, sorted by date.
struct SurveyTable {
    std::vector<Date> date;
    std::vector<std::int32_t> account;
    std::vector<SurveyKind> kind;
    std::vector<double> score;
    std::vector<std::int32_t> manager;  ///< derived: the account's owner on `date`
    [[nodiscard]] std::size_t size() const noexcept { return date.size(); }
};

/// Targets per manager and KPI over `[begin, end)`, in input order.
struct TargetTable {
    std::vector<std::int32_t> manager;
    std::vector<std::string> kpi;
    std::vector<Date> begin;
    std::vector<Date> end;
    std::vector<double> target;
    [[nodiscard]] std::size_t size() const noexcept { return manager.size(); }
};

/// Which row stands for an account given by several `accounts` rows that are not separate spells (see
/// `BuildOptions::keep`).
enum class KeepRow : std::uint8_t {
    first,  ///< the account's first row in the input
    last,   ///< its last row (the latest update, in an export that appends changes)
};

/// Options of building a Book.
struct BuildOptions {
    /// Days without revenue after which an account whose spells are not given stops being a client, from 1
    /// to `max_inactivity_days` (100 years: derived dates stay far inside the calendar).
    int inactivity_days = 365;
    static constexpr int max_inactivity_days = 36'500;
    /// Every column the schema does not know is a problem. Otherwise unknown columns are ignored, except
    /// those that look like a misspelt known column the table lacks (case, spaces, or one edit away; two for
    /// names of more than six letters), which are problems that name the likely column.
    bool strict_columns = false;
    /// The row that stands for an account given by several rows without `acquired_on` (a CRM export with a
    /// client twice), or by rows that repeat another exactly. The other rows are problems naming the kept
    /// row and each column that differs (`build`); `build_lenient` rejects them alone, keeping the account
    /// and everything that refers to it. Rows with `acquired_on` are the account's spells: all are kept, and
    /// their names, regions, domains and parents must agree with the kept row's.
    KeepRow keep = KeepRow::first;
    /// At most this many threads for the build's passes over the lines (0: one per core), each with at least
    /// 100,000 lines; the Book and the problems (all of them, in row order) are the same, bit for bit,
    /// whatever the number.
    unsigned threads = 0;
};

/// A Book's identity, for caches of its answers (see `kpi::StateCache`): `id` is unique in the process and
/// new for every build and every append. A Book appended to another (`BookBuilder::append_to`) keeps the
/// other's version as `parent`, and the first days from which its answers may differ from the parent's:
/// every KPI of a period ending on or before `events_from` is the parent's, and so are the rows of the
/// accounts on the book in it when the period (with its base period) ends on or before `seen_from`.
struct BookVersion {
    std::uint64_t id = 0;
    std::shared_ptr<const BookVersion> parent;  ///< the Book appended to; null for a Book built
    /// The first day of an appended event (revenue line, interaction, request received, survey): the
    /// parent's event rows, derived client spells and first sightings before it are this Book's.
    Date events_from = Date::max();
    /// The day after the earliest last sighting (`SightingTable::last_seen`) that the appended events moved
    /// later: an account last seen on day L and seen again is on the book in the periods after L.
    Date seen_from = Date::max();
    /// A version of its own (a new `id`), without a parent.
    [[nodiscard]] static std::shared_ptr<const BookVersion> fresh();
};

/// A table of a Book, held by shared ownership: a Book appended to another (`BookBuilder::append_to`) holds
/// the very tables of the other that the append leaves unchanged, not copies. Read through `*` and `->`;
/// `write` gives the table to change, copied first when another Book holds it.
template <class T>
class Shared {
  public:
    /// An empty table, this one's own.
    Shared() : table_(std::make_shared<T>()) {}
    /// Takes `table` (moved in), this one's own.
    explicit Shared(T table) : table_(std::make_shared<T>(std::move(table))) {}
    [[nodiscard]] const T& operator*() const noexcept { return *table_; }
    [[nodiscard]] const T* operator->() const noexcept { return table_.get(); }
    /// The table to change: this one's own, copied first when it is shared. For the builder, on data that no
    /// Book holds yet (use counts seen from other threads may be stale).
    [[nodiscard]] T& write() {
        if (table_.use_count() > 1) table_ = std::make_shared<T>(std::as_const(*table_));
        return *table_;
    }

  private:
    std::shared_ptr<T> table_;
};

/// Everything a Book holds. Built only by `BookBuilder`.
struct BookData {
    Shared<AccountTable> accounts;
    Shared<SightingTable> sightings;
    Shared<SpellTable> spells;
    Shared<ManagerTable> managers;
    Shared<UnitTable> units;
    Shared<AssignmentTable> assignments;
    Shared<ProjectTable> projects;
    Shared<RevenueTable> revenue;
    Shared<InteractionTable> interactions;
    Shared<RequestTable> requests;
    Shared<SurveyTable> surveys;
    Shared<TargetTable> targets;
    BuildOptions options;
    std::vector<std::string> tables_given;  ///< names of the input tables, in schema order
    std::shared_ptr<const BookVersion> version = BookVersion::fresh();
};

/// The rows `[first, last)` of a date-sorted column that fall in `period`: found by binary search.
[[nodiscard]] std::pair<std::size_t, std::size_t> rows_in(std::span<const Date> sorted_dates,
                                                          Period period) noexcept;

/// The validated, immutable book of accounts.
class Book {
  public:
    explicit Book(std::shared_ptr<const BookData> data) : data_(std::move(data)) {}

    [[nodiscard]] const AccountTable& accounts() const noexcept { return *data_->accounts; }
    [[nodiscard]] const SightingTable& sightings() const noexcept { return *data_->sightings; }
    [[nodiscard]] const SpellTable& spells() const noexcept { return *data_->spells; }
    [[nodiscard]] const ManagerTable& managers() const noexcept { return *data_->managers; }
    [[nodiscard]] const UnitTable& units() const noexcept { return *data_->units; }
    [[nodiscard]] const AssignmentTable& assignments() const noexcept { return *data_->assignments; }
    [[nodiscard]] const ProjectTable& projects() const noexcept { return *data_->projects; }
    [[nodiscard]] const RevenueTable& revenue() const noexcept { return *data_->revenue; }
    [[nodiscard]] const InteractionTable& interactions() const noexcept { return *data_->interactions; }
    [[nodiscard]] const RequestTable& requests() const noexcept { return *data_->requests; }
    [[nodiscard]] const SurveyTable& surveys() const noexcept { return *data_->surveys; }
    [[nodiscard]] const TargetTable& targets() const noexcept { return *data_->targets; }
    [[nodiscard]] const BuildOptions& options() const noexcept { return data_->options; }
    /// Whether the input had the table `name` (accounts and revenue always).
    [[nodiscard]] bool has_table(std::string_view name) const noexcept;

    /// True when account `a` is a client on day `d` (some spell has `begin <= d < end`).
    [[nodiscard]] bool is_client(std::int32_t a, Date d) const noexcept;
    /// The manager who owns account `a` (or its project `p`, which takes precedence) on day `d`, or `none`.
    /// When assignments overlap, the one that started last wins (ties: the later input row).
    [[nodiscard]] std::int32_t owner(std::int32_t a, std::int32_t p, Date d) const noexcept;
    /// The first and the last day with any dated event (revenue, projects signed, interactions, requests,
    /// surveys); nullopt for a book without events.
    [[nodiscard]] std::optional<Period> span() const noexcept;
    /// The Book's identity and lineage (see `BookVersion`); copies of a Book share it.
    [[nodiscard]] const BookVersion& version() const noexcept { return *data_->version; }
    /// The shared data, for code that keeps the Book alive (e.g. arrays handed out without a copy).
    [[nodiscard]] const std::shared_ptr<const BookData>& data() const noexcept { return data_; }

  private:
    std::shared_ptr<const BookData> data_;
};

}  // namespace accountkpi
ACCOUNTKPI_EXPORT_END
