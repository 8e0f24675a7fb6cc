// The typed rows of rows.hpp turned into the columns BookBuilder validates and builds.

#include "accountkpi/book/rows.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accountkpi {
namespace {

constexpr double missing_number = std::numeric_limits<double>::quiet_NaN();

/// The columns of one table being assembled, and the rows to reject for a mixed id column.
class TableMaker {
  public:
    TableMaker(std::string_view table, std::vector<Problem>& problems) : table_(table), problems_(problems) {}

    /// An id column: integers when every row has an integer id, otherwise texts (an integer in its decimal
    /// form where some rows have none). The first id sets the column's kind: one of the other kind is a
    /// problem.
    template <class Rows, class Get>
    void ids(std::string_view column, const Rows& rows, Get get, bool required = false) {
        std::size_t given = 0, missing = 0, texts = 0;
        std::optional<bool> first_is_text;
        for (const auto& row : rows) {
            const std::optional<rows::Id> id = get(row);
            if (!id) {
                ++missing;
                continue;
            }
            ++given;
            if (id->is_text()) ++texts;
            if (!first_is_text) first_is_text = id->is_text();
        }
        if (given > 0 && texts == 0 && missing == 0) {
            std::vector<std::int64_t> values;
            values.reserve(rows.size());
            for (const auto& row : rows) values.push_back(get(row)->number());
            table_data_.add(std::string(column), Column::integers(std::move(values)));
            return;
        }
        if (given == 0 && !required) return;  // an optional column nobody filled in: not given
        std::vector<std::string> values;
        values.reserve(rows.size());
        for (std::size_t i = 0; const auto& row : rows) {
            const std::optional<rows::Id> id = get(row);
            if (!id)
                values.emplace_back();
            else if (id->is_text())
                values.push_back(id->text());
            else
                values.push_back(std::to_string(id->number()));
            if (id && id->is_text() != *first_is_text) {
                problems_.push_back({std::string(table_), static_cast<std::int64_t>(i), std::string(column),
                                     *first_is_text
                                         ? "an integer id in a column of text ids (one id kind per column)"
                                         : "a text id in a column of integer ids (one id kind per column)"});
            }
            ++i;
        }
        table_data_.add(std::string(column), Column::texts(values));
    }

    /// A text column ("" where missing); left out when no row has a value and `required` is false.
    template <class Rows, class Get>
    void texts(std::string_view column, const Rows& rows, Get get, bool required = false) {
        std::vector<std::string> values;
        values.reserve(rows.size());
        bool any = false;
        for (const auto& row : rows) {
            std::optional<std::string> v = get(row);
            any = any || v.has_value();
            values.push_back(v ? std::move(*v) : std::string());
        }
        if (any || required) table_data_.add(std::string(column), Column::texts(values));
    }

    /// A column of days (`Column::nat` where missing); left out when no row has a value and not `required`.
    template <class Rows, class Get>
    void dates(std::string_view column, const Rows& rows, Get get, bool required = false) {
        auto days = std::make_shared<std::vector<std::int64_t>>();
        days->reserve(rows.size());
        bool any = false;
        for (const auto& row : rows) {
            const std::optional<rows::Day> d = get(row);
            any = any || d.has_value();
            days->push_back(d ? static_cast<std::int64_t>(d->time_since_epoch().count()) : Column::nat);
        }
        if (!any && !required) return;
        const std::span<const std::int64_t> view(*days);
        table_data_.add(std::string(column), Column::dates(view, std::shared_ptr<const void>(days)));
    }

    /// A number column (NaN where missing); left out when no row has a value and not `required`.
    template <class Rows, class Get>
    void numbers(std::string_view column, const Rows& rows, Get get, bool required = false) {
        std::vector<double> values;
        values.reserve(rows.size());
        bool any = false;
        for (const auto& row : rows) {
            const std::optional<double> v = get(row);
            any = any || v.has_value();
            values.push_back(v ? *v : missing_number);
        }
        if (any || required) table_data_.add(std::string(column), Column::numbers(std::move(values)));
    }

    [[nodiscard]] Table take() { return std::move(table_data_); }

  private:
    std::string_view table_;
    std::vector<Problem>& problems_;
    Table table_data_;
};

/// The word of an enumerator in its vocabulary ("" for the "not given" enumerator).
template <class Enum, std::size_t N>
std::optional<std::string> word(std::optional<Enum> e, const std::array<std::string_view, N>& names) {
    if (!e) return std::nullopt;
    const std::string_view w = names.at(static_cast<std::size_t>(*e));
    if (w.empty()) return std::nullopt;
    return std::string(w);
}

template <class T>
std::optional<T> some(const T& v) {
    return v;
}

}  // namespace

RowBuilder& RowBuilder::add(rows::Account row) {
    accounts_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Manager row) {
    managers_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Assignment row) {
    assignments_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Project row) {
    projects_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Revenue row) {
    revenue_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Interaction row) {
    interactions_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Request row) {
    requests_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Survey row) {
    surveys_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Target row) {
    targets_.push_back(std::move(row));
    return *this;
}
RowBuilder& RowBuilder::add(rows::Unit row) {
    units_.push_back(std::move(row));
    return *this;
}

// One short block per table, each turning its rows into the columns of the columnar builder: a table of
// tables, which a split per table would only scatter.
// NOLINTNEXTLINE(readability-function-size)
BookBuilder RowBuilder::columnar() const {
    BookBuilder builder(options_);
    std::vector<Problem> problems;
    {
        TableMaker t("accounts", problems);
        const auto& r = accounts_;
        t.ids(
            "account_id", r, [](const rows::Account& x) { return some(x.account_id); }, true);
        t.texts("name", r, [](const rows::Account& x) { return x.name; });
        t.texts("region", r, [](const rows::Account& x) { return x.region; });
        t.texts("domain", r, [](const rows::Account& x) { return x.domain; });
        t.ids("parent_id", r, [](const rows::Account& x) { return x.parent_id; });
        t.dates("acquired_on", r, [](const rows::Account& x) { return x.acquired_on; });
        t.dates("churned_on", r, [](const rows::Account& x) { return x.churned_on; });
        builder.add("accounts", t.take());
    }
    if (!managers_.empty()) {
        TableMaker t("managers", problems);
        const auto& r = managers_;
        t.ids(
            "manager_id", r, [](const rows::Manager& x) { return some(x.manager_id); }, true);
        t.texts(
            "role", r, [](const rows::Manager& x) { return word(some(x.role), role_names); }, true);
        t.texts("tier", r, [](const rows::Manager& x) { return word(x.tier, tier_names); });
        t.texts("name", r, [](const rows::Manager& x) { return x.name; });
        t.ids("reports_to", r, [](const rows::Manager& x) { return x.reports_to; });
        t.ids("unit_id", r, [](const rows::Manager& x) { return x.unit_id; });
        builder.add("managers", t.take());
    }
    if (!units_.empty()) {
        TableMaker t("units", problems);
        const auto& r = units_;
        t.ids(
            "unit_id", r, [](const rows::Unit& x) { return some(x.unit_id); }, true);
        t.texts(
            "kind", r, [](const rows::Unit& x) { return word(some(x.kind), unit_kind_names); }, true);
        t.texts("name", r, [](const rows::Unit& x) { return x.name; });
        t.ids("head_id", r, [](const rows::Unit& x) { return x.head_id; });
        t.ids("parent_id", r, [](const rows::Unit& x) { return x.parent_id; });
        t.ids("account_id", r, [](const rows::Unit& x) { return x.account_id; });
        builder.add("units", t.take());
    }
    if (!assignments_.empty()) {
        TableMaker t("assignments", problems);
        const auto& r = assignments_;
        t.ids("manager_id", r, [](const rows::Assignment& x) { return some(x.manager_id); });
        t.ids("account_id", r, [](const rows::Assignment& x) { return some(x.account_id); });
        t.ids("project_id", r, [](const rows::Assignment& x) { return x.project_id; });
        t.dates(
            "start", r, [](const rows::Assignment& x) { return some(x.start); }, true);
        t.dates("end", r, [](const rows::Assignment& x) { return x.end; });
        builder.add("assignments", t.take());
    }
    if (!projects_.empty()) {
        TableMaker t("projects", problems);
        const auto& r = projects_;
        t.ids(
            "project_id", r, [](const rows::Project& x) { return some(x.project_id); }, true);
        t.ids("account_id", r, [](const rows::Project& x) { return some(x.account_id); });
        t.texts("service_line", r, [](const rows::Project& x) { return x.service_line; });
        t.texts("kind", r, [](const rows::Project& x) { return word(x.kind, project_kind_names); });
        t.dates(
            "signed_on", r, [](const rows::Project& x) { return some(x.signed_on); }, true);
        t.dates("start", r, [](const rows::Project& x) { return x.start; });
        t.dates("end", r, [](const rows::Project& x) { return x.end; });
        t.numbers(
            "value", r, [](const rows::Project& x) { return some(x.value); }, true);
        t.texts("billing", r, [](const rows::Project& x) { return word(x.billing, billing_names); });
        builder.add("projects", t.take());
    }
    {
        TableMaker t("revenue", problems);
        const auto& r = revenue_;
        t.ids("account_id", r, [](const rows::Revenue& x) { return some(x.account_id); });
        t.ids("project_id", r, [](const rows::Revenue& x) { return x.project_id; });
        t.dates(
            "date", r, [](const rows::Revenue& x) { return some(x.date); }, true);
        t.numbers(
            "amount", r, [](const rows::Revenue& x) { return some(x.amount); }, true);
        t.numbers("cost", r, [](const rows::Revenue& x) { return x.cost; });
        t.numbers("units", r, [](const rows::Revenue& x) { return x.units; });
        t.texts("unit", r, [](const rows::Revenue& x) { return word(x.unit, billing_names); });
        builder.add("revenue", t.take());
    }
    if (!interactions_.empty()) {
        TableMaker t("interactions", problems);
        const auto& r = interactions_;
        t.ids("account_id", r, [](const rows::Interaction& x) { return some(x.account_id); });
        t.ids("manager_id", r, [](const rows::Interaction& x) { return x.manager_id; });
        t.dates(
            "date", r, [](const rows::Interaction& x) { return some(x.date); }, true);
        t.texts(
            "channel", r, [](const rows::Interaction& x) { return word(some(x.channel), channel_names); },
            true);
        t.texts("party", r, [](const rows::Interaction& x) { return word(x.party, party_names); });
        builder.add("interactions", t.take());
    }
    if (!requests_.empty()) {
        TableMaker t("requests", problems);
        const auto& r = requests_;
        t.ids("account_id", r, [](const rows::Request& x) { return some(x.account_id); });
        t.dates(
            "received_on", r, [](const rows::Request& x) { return some(x.received_on); }, true);
        t.dates("responded_on", r, [](const rows::Request& x) { return x.responded_on; });
        t.ids("project_id", r, [](const rows::Request& x) { return x.project_id; });
        builder.add("requests", t.take());
    }
    if (!surveys_.empty()) {
        TableMaker t("surveys", problems);
        const auto& r = surveys_;
        t.ids("account_id", r, [](const rows::Survey& x) { return some(x.account_id); });
        t.dates(
            "date", r, [](const rows::Survey& x) { return some(x.date); }, true);
        t.texts(
            "kind", r, [](const rows::Survey& x) { return word(some(x.kind), survey_kind_names); }, true);
        t.numbers(
            "score", r, [](const rows::Survey& x) { return some(x.score); }, true);
        builder.add("surveys", t.take());
    }
    if (!targets_.empty()) {
        TableMaker t("targets", problems);
        const auto& r = targets_;
        t.ids("manager_id", r, [](const rows::Target& x) { return some(x.manager_id); });
        t.texts(
            "kpi", r, [](const rows::Target& x) { return some(x.kpi); }, true);
        t.dates(
            "begin", r, [](const rows::Target& x) { return some(x.begin); }, true);
        t.dates(
            "end", r, [](const rows::Target& x) { return some(x.end); }, true);
        t.numbers(
            "target", r, [](const rows::Target& x) { return some(x.target); }, true);
        builder.add("targets", t.take());
    }
    for (Problem& p : problems) builder.reject(std::move(p));
    return builder;
}

}  // namespace accountkpi
