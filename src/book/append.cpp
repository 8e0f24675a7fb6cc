// A Book's events followed by appended ones, and the derivations they share with a build (see
// append_detail.hpp).
#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <utility>

#include "accountkpi/book/schema.hpp"
#include "accountkpi/interrupt.hpp"
#include "append_detail.hpp"

namespace accountkpi::detail {

SpellWalk::SpellWalk(std::size_t accounts, Date::rep gap)
    : gap_(gap), open_begin_(accounts, Date::null()), last_(accounts, Date::null()) {}

void SpellWalk::resume(const Spell& s) {
    const auto a = static_cast<std::size_t>(s.account);
    open_begin_[a] = s.begin;
    last_[a] = s.end - gap_;
}

void SpellWalk::walk(const RevenueTable& rev, std::size_t from, const std::vector<std::uint8_t>& given,
                     std::vector<Spell>& out) {
    for (std::size_t i = from; i < rev.size(); ++i) {
        interruption_point(i);
        const auto a = static_cast<std::size_t>(rev.account[i]);
        if (given[a] || !(rev.amount[i] > 0)) continue;
        const Date d = rev.date[i];
        if (!open_begin_[a].is_null() && d < last_[a] + gap_) {
            last_[a] = d;
            continue;
        }
        if (!open_begin_[a].is_null())
            out.push_back({rev.account[i], open_begin_[a], last_[a] + gap_, 1, -1});
        open_begin_[a] = d;
        last_[a] = d;
    }
}

void SpellWalk::finish(std::vector<Spell>& out) {
    for (std::size_t a = 0; a < open_begin_.size(); ++a) {
        if (!open_begin_[a].is_null())
            out.push_back({static_cast<std::int32_t>(a), open_begin_[a], last_[a] + gap_, 1, -1});
    }
}

SpellTable spell_table(const std::vector<Spell>& spells, std::size_t accounts) {
    SpellTable s;
    s.offsets.assign(accounts + 1, 0);
    for (const auto& sp : spells) ++s.offsets[static_cast<std::size_t>(sp.account) + 1];
    std::partial_sum(s.offsets.begin(), s.offsets.end(), s.offsets.begin());
    s.account.resize(spells.size());
    s.begin.resize(spells.size());
    s.end.resize(spells.size());
    s.derived.resize(spells.size());
    std::vector<std::uint32_t> next(s.offsets.begin(), s.offsets.end() - 1);
    for (const auto& sp : spells) {
        const std::uint32_t k = next[static_cast<std::size_t>(sp.account)]++;
        s.account[k] = sp.account;
        s.begin[k] = sp.begin;
        s.end[k] = sp.end;
        s.derived[k] = sp.derived;
    }
    return s;
}

void see_events(AccountTable& acc, const BookData& data) {
    const auto see = [&](std::span<const std::int32_t> account, std::span<const Date> first,
                         const std::vector<Date>* last) {
        for (std::size_t i = 0; i < account.size(); ++i) {
            interruption_point(i);
            const auto a = static_cast<std::size_t>(account[i]);
            acc.first_seen[a] = std::min(acc.first_seen[a], first[i]);
            const Date until = last == nullptr ? first[i] : (*last)[i].is_null() ? Date::max() : (*last)[i];
            acc.last_seen[a] = std::max({acc.last_seen[a], first[i], until});
        }
    };
    see(data.revenue.account, data.revenue.date, nullptr);
    see(data.projects.account, data.projects.signed_on, &data.projects.end);
    see(data.interactions.account, data.interactions.date, nullptr);
    see(data.requests.account, data.requests.received_on, nullptr);
    see(data.surveys.account, data.surveys.date, nullptr);
}

namespace {

/// The order that sorts the rows of two date-sorted columns, one after the other, stably (`old`'s rows
/// first among equal dates); empty when they are in order already.
std::vector<std::uint32_t> merge_order(std::span<const Date> old, std::span<const Date> added) {
    if (old.empty() || added.empty() || !(added.front() < old.back())) return {};
    std::vector<std::uint32_t> order(old.size() + added.size());
    const auto n = static_cast<std::uint32_t>(old.size());
    std::uint32_t i = 0, j = 0;
    for (auto& o : order) o = j < added.size() && (i == n || added[j] < old[i]) ? n + j++ : i++;
    return order;
}

/// The rows of `old` and `added` (vectors or `Array`s of one type) one after the other, in `order` (as they
/// are when it is empty), in a new vector.
template <class Old, class Added>
std::vector<typename Old::value_type> joined(const Old& old, const Added& added,
                                             const std::vector<std::uint32_t>& order) {
    using T = typename Old::value_type;
    std::vector<T> out;
    if (order.empty()) {
        out.reserve(old.size() + added.size());
        out.insert(out.end(), old.begin(), old.end());
        out.insert(out.end(), added.begin(), added.end());
        return out;
    }
    out.resize(order.size());
    const std::size_t n = old.size();
    for (std::size_t k = 0; k < order.size(); ++k) {
        interruption_point(k);
        out[k] = order[k] < n ? old[order[k]] : added[order[k] - n];
    }
    return out;
}

/// The column `old` followed by `added`, sharing `old`'s memory where it can (see `Array::appended`); in
/// `order` when there is one.
template <class T>
Array<T> joined(const Array<T>& old, const Array<T>& added, const std::vector<std::uint32_t>& order) {
    if (order.empty()) return old.appended(added);
    return joined<Array<T>, Array<T>>(old, added, order);
}

/// The rows of tables `old` and `added` in `order` (see `merge_order`): each of `columns` joined.
template <class Table, class... Column>
Table joined_table(const Table& old, const Table& added, const std::vector<std::uint32_t>& order,
                   Column Table::*... columns) {
    Table t;
    ((t.*columns = joined(old.*columns, added.*columns, order)), ...);
    return t;
}

/// The revenue lines of both; `in_order`: whether `added`'s come after all of `old`'s.
RevenueTable joined_revenue(const RevenueTable& old, const RevenueTable& added, bool& in_order) {
    const auto order = merge_order(old.date, added.date);
    in_order = order.empty();
    using T = RevenueTable;
    T t = joined_table(old, added, order, &T::date, &T::account, &T::amount, &T::cost, &T::unit);
    // A column absent from both stays absent (see `RevenueTable`).
    const auto join = [&](auto every) { return joined((old.*every)(), (added.*every)(), order); };
    if (!old.project.empty() || !added.project.empty()) t.project = join(&T::every_project);
    if (!old.units.empty() || !added.units.empty()) t.units = join(&T::every_units);
    if (!old.manager.empty() || !added.manager.empty()) t.manager = join(&T::every_manager);
    return t;
}

InteractionTable joined_interactions(const InteractionTable& old, const InteractionTable& added) {
    using T = InteractionTable;
    return joined_table(old, added, merge_order(old.date, added.date), &T::date, &T::account, &T::manager,
                        &T::channel, &T::party);
}

RequestTable joined_requests(const RequestTable& old, const RequestTable& added) {
    using T = RequestTable;
    return joined_table(old, added, merge_order(old.received_on, added.received_on), &T::received_on,
                        &T::responded_on, &T::account, &T::project, &T::manager);
}

SurveyTable joined_surveys(const SurveyTable& old, const SurveyTable& added) {
    using T = SurveyTable;
    return joined_table(old, added, merge_order(old.date, added.date), &T::date, &T::account, &T::kind,
                        &T::score, &T::manager);
}

/// The spells of `old` with those derived from `rev`'s lines; `from`: the first line not yet walked (0:
/// derive every spell again, keeping only the given ones).
SpellTable walked_spells(const SpellTable& old, const RevenueTable& rev, std::size_t from, Date::rep gap,
                         std::size_t n_accounts) {
    std::vector<std::uint8_t> given(n_accounts, 0);
    for (std::size_t k = 0; k < old.size(); ++k) {
        if (!old.derived[k]) given[static_cast<std::size_t>(old.account[k])] = 1;
    }
    SpellWalk walk(n_accounts, gap);
    std::vector<Spell> spells;
    spells.reserve(old.size());
    for (std::size_t a = 0; a < n_accounts; ++a) {
        for (auto k = old.offsets[a]; k < old.offsets[a + 1]; ++k) {
            const Spell s{old.account[k], old.begin[k], old.end[k], old.derived[k], -1};
            if (!s.derived) {
                spells.push_back(s);
            } else if (from > 0) {
                if (k + 1 == old.offsets[a + 1]) {
                    walk.resume(s);  // the open one: the walk goes on from its last line
                } else {
                    spells.push_back(s);
                }
            }
        }
    }
    walk.walk(rev, from, given, spells);
    walk.finish(spells);
    return spell_table(spells, n_accounts);
}

/// The first day of `added`'s events.
Date first_event(const BookData& added) {
    Date first = Date::max();
    for (const auto* dates : {&added.interactions.date, &added.requests.received_on, &added.surveys.date}) {
        if (!dates->empty()) first = std::min(first, *std::min_element(dates->begin(), dates->end()));
    }
    const auto& rev = added.revenue.date;
    if (rev.size() > 0) first = std::min(first, *std::min_element(rev.begin(), rev.end()));
    return first;
}

/// The version of a Book appended to `base`: the first days from which its answers may differ (see
/// `BookVersion`), `accounts` its sightings.
std::shared_ptr<const BookVersion> appended_version(const BookData& base, const BookData& added,
                                                    const AccountTable& accounts) {
    auto v = std::make_shared<BookVersion>(*BookVersion::fresh());
    v->parent = base.version;
    v->events_from = first_event(added);
    for (std::size_t a = 0; a < accounts.size(); ++a) {
        const Date was = base.accounts.last_seen[a];
        if (!was.is_null() && was < accounts.last_seen[a]) v->seen_from = std::min(v->seen_from, was + 1);
    }
    return v;
}

}  // namespace

std::shared_ptr<BookData> appended(const BookData& base, BookData&& added) {
    auto out = std::make_shared<BookData>();
    out->accounts = base.accounts;
    see_events(out->accounts, added);
    out->managers = base.managers;
    out->units = base.units;
    out->assignments = base.assignments;
    out->projects = base.projects;
    out->targets = base.targets;
    out->options = base.options;
    for (const auto& spec : schema()) {
        const auto given = [&](const BookData& d) {
            return std::find(d.tables_given.begin(), d.tables_given.end(), spec.name) != d.tables_given.end();
        };
        if (given(base) || given(added)) out->tables_given.emplace_back(spec.name);
    }
    bool in_order = true;
    out->revenue = joined_revenue(base.revenue, added.revenue, in_order);
    if (added.revenue.size() == 0) {
        out->spells = base.spells;
    } else {
        // Lines appended after the last ones go on with each account's open spell; earlier ones may split
        // or join any spell of their account: every derived spell is walked again.
        const std::size_t from = in_order ? base.revenue.size() : 0;
        out->spells = walked_spells(base.spells, out->revenue, from, base.options.inactivity_days,
                                    base.accounts.size());
    }
    out->interactions = joined_interactions(base.interactions, added.interactions);
    out->requests = joined_requests(base.requests, added.requests);
    out->surveys = joined_surveys(base.surveys, added.surveys);
    out->version = appended_version(base, added, out->accounts);
    return out;
}

}  // namespace accountkpi::detail
