// A Book's events followed by appended ones, and the derivations they share with a build (see
// append_detail.hpp).
#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#include "accountkpi/book/schema.hpp"
#include "accountkpi/detail/prefetch.hpp"
#include "accountkpi/interrupt.hpp"
#include "append_detail.hpp"

namespace accountkpi::detail {

SpellWalk::SpellWalk(std::size_t accounts, Date::rep gap) : gap_(gap), open_(accounts) {}

void SpellWalk::resume(const Spell& s) {
    open_[static_cast<std::size_t>(s.account)] = {s.begin, s.end - gap_};
}

void SpellWalk::walk(const RevenueTable& rev, std::size_t from, const std::vector<std::uint8_t>& given,
                     std::vector<Spell>& out) {
    // The open spells are read at random: each line's is fetched `ahead` lines before it is read. A build
    // from a transaction log gives no spells: then no line reads `given` either.
    constexpr std::size_t ahead = 16;
    const bool some_given = std::find(given.begin(), given.end(), 1) != given.end();
    const std::size_t n = rev.size();
    for (std::size_t i = from; i < n; ++i) {
        interruption_point(i);
        if (i + ahead < n) prefetch_write(&open_[static_cast<std::size_t>(rev.account[i + ahead])]);
        const auto a = static_cast<std::size_t>(rev.account[i]);
        if ((some_given && given[a]) || !(rev.amount[i] > 0)) continue;
        const Date d = rev.date[i];
        Open& o = open_[a];
        if (!o.begin.is_null() && d < o.last + gap_) {
            o.last = d;
            continue;
        }
        if (!o.begin.is_null()) out.push_back({rev.account[i], o.begin, o.last + gap_, 1, -1});
        o = {d, d};
    }
}

void SpellWalk::finish(std::vector<Spell>& out) {
    for (std::size_t a = 0; a < open_.size(); ++a) {
        if (!open_[a].begin.is_null())
            out.push_back({static_cast<std::int32_t>(a), open_[a].begin, open_[a].last + gap_, 1, -1});
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

namespace {

/// Widens the sightings at `place(a)` (account `a`'s first and last, as references) by the dated rows of
/// `data`.
template <class Place>
void see_rows(const BookData& data, const Place& place) {
    const auto see = [&](std::span<const std::int32_t> account, std::span<const Date> first,
                         const std::vector<Date>* last) {
        constexpr std::size_t ahead = 16;  // each row's sightings fetched this many rows before they are read
        for (std::size_t i = 0; i < account.size(); ++i) {
            interruption_point(i);
            if (i + ahead < account.size())
                prefetch_write(&std::get<0>(place(static_cast<std::size_t>(account[i + ahead]))));
            auto [seen_first, seen_last] = place(static_cast<std::size_t>(account[i]));
            seen_first = std::min(seen_first, first[i]);
            const Date until = last == nullptr ? first[i] : (*last)[i].is_null() ? Date::max() : (*last)[i];
            seen_last = std::max({seen_last, first[i], until});
        }
    };
    see(data.revenue->account, data.revenue->date, nullptr);
    see(data.projects->account, data.projects->signed_on, &data.projects->end);
    see(data.interactions->account, data.interactions->date, nullptr);
    see(data.requests->account, data.requests->received_on, nullptr);
    see(data.surveys->account, data.surveys->date, nullptr);
}

}  // namespace

void see_events(SightingTable& seen, const BookData& data) {
    const std::size_t rows = data.revenue->size() + data.projects->size() + data.interactions->size() +
                             data.requests->size() + data.surveys->size();
    if (rows < seen.size()) {  // an append's few rows: in the table's columns
        see_rows(data, [&](std::size_t a) { return std::tie(seen.first_seen[a], seen.last_seen[a]); });
        return;
    }
    // Else each account's first and last side by side while the rows are read (one place of memory a row,
    // not two: 2-4% of a transaction log's build), then back into the table's columns.
    struct Seen {
        Date first, last;
    };
    std::vector<Seen> at(seen.size());
    for (std::size_t a = 0; a < at.size(); ++a) at[a] = {seen.first_seen[a], seen.last_seen[a]};
    see_rows(data, [&](std::size_t a) { return std::tie(at[a].first, at[a].last); });
    for (std::size_t a = 0; a < at.size(); ++a) {
        seen.first_seen[a] = at[a].first;
        seen.last_seen[a] = at[a].last;
    }
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

/// The rows of `old` and `added` (vectors or `Array`s of one type) in `order` (not empty), written at `out`.
template <class Old, class Added, class T>
void merge_into(T* out, const Old& old, const Added& added, const std::vector<std::uint32_t>& order) {
    const std::size_t n = old.size();
    for (std::size_t k = 0; k < order.size(); ++k) {
        interruption_point(k);
        out[k] = order[k] < n ? old[order[k]] : added[order[k] - n];
    }
}

/// The rows of vectors `old` and `added` one after the other, in `order` (as they are when it is empty), in
/// a new vector.
template <class T>
std::vector<T> joined(const std::vector<T>& old, const std::vector<T>& added,
                      const std::vector<std::uint32_t>& order) {
    std::vector<T> out;
    if (order.empty()) {
        out.reserve(old.size() + added.size());
        out.insert(out.end(), old.begin(), old.end());
        out.insert(out.end(), added.begin(), added.end());
        return out;
    }
    out.resize(order.size());
    merge_into(out.data(), old, added, order);
    return out;
}

/// The column `old` followed by `added`, sharing `old`'s memory where it can (see `Array::appended`); in
/// `order` when there is one, into new memory with room for the next append (see `Array::with_room`).
template <class T>
Array<T> joined(const Array<T>& old, const Array<T>& added, const std::vector<std::uint32_t>& order) {
    if (order.empty()) return old.appended(added);
    return Array<T>::written(order.size(), [&](T* out) { merge_into(out, old, added, order); });
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

/// The derived spells of `old` that a walk of revenue lines from line `from` on replaces: every account's
/// with a positive line among them, all of them when walking from the first line, else the last (the open
/// one, which the walk goes on with).
struct Rewalk {
    Rewalk(const SpellTable& spells, const RevenueTable& rev, std::size_t first_line)
        : old(spells), from(first_line), given(old.offsets.size() - 1, 0), walked(given.size(), 0) {
        for (std::size_t a = 0; a < given.size(); ++a)  // an account's spells are all given or all derived
            given[a] = old.offsets[a] < old.offsets[a + 1] && !old.derived[old.offsets[a]];
        for (std::size_t i = from; i < rev.size(); ++i) {
            const auto a = static_cast<std::size_t>(rev.account[i]);
            if (!given[a] && rev.amount[i] > 0) walked[a] = 1;
        }
    }
    /// The end of account `a`'s rows kept when it is walked.
    [[nodiscard]] std::uint32_t kept_end(std::size_t a) const {
        const bool any = old.offsets[a] < old.offsets[a + 1];
        return from == 0 || !any ? old.offsets[a] : old.offsets[a + 1] - 1;
    }

    const SpellTable& old;
    std::size_t from;
    std::vector<std::uint8_t> given, walked;  // per account
};

/// The spells of the walked accounts derived from `rev`'s lines (see `Rewalk`), sorted by account.
std::vector<Spell> fresh_spells(const Rewalk& w, const RevenueTable& rev, Date::rep gap) {
    const SpellTable& old = w.old;
    SpellWalk walk(w.walked.size(), gap);
    for (std::size_t a = 0; w.from > 0 && a < w.walked.size(); ++a) {
        const auto k = w.kept_end(a);
        if (w.walked[a] && k < old.offsets[a + 1])
            walk.resume({old.account[k], old.begin[k], old.end[k], 1, -1});
    }
    std::vector<Spell> fresh;
    walk.walk(rev, w.from, w.given, fresh);
    walk.finish(fresh);
    std::stable_sort(fresh.begin(), fresh.end(),
                     [](const Spell& x, const Spell& y) { return x.account < y.account; });
    return fresh;
}

/// Rows `first` to `last` of `from` added to `to`.
void add_rows(SpellTable& to, const SpellTable& from, std::size_t first, std::size_t last) {
    const auto add = [&](auto& out, const auto& in) {
        out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(first),
                   in.begin() + static_cast<std::ptrdiff_t>(last));
    };
    add(to.account, from.account);
    add(to.begin, from.begin);
    add(to.end, from.end);
    add(to.derived, from.derived);
}

/// The spells of `old` with those derived from `rev`'s lines `from` to the end (0: every line): the walked
/// accounts' (see `Rewalk`) derived again, the other accounts' rows copied as they are, a run at a time.
SpellTable walked_spells(const SpellTable& old, const RevenueTable& rev, std::size_t from, Date::rep gap) {
    const Rewalk w(old, rev, from);
    const std::vector<Spell> fresh = fresh_spells(w, rev, gap);
    const std::size_t n = w.walked.size();
    SpellTable s;
    s.offsets.resize(n + 1);
    std::size_t copied = 0;  // the rows of `old` added up to here
    auto next = fresh.begin();
    for (std::size_t a = 0; a < n; ++a) {
        s.offsets[a] = static_cast<std::uint32_t>(s.size() + old.offsets[a] - copied);
        if (!w.walked[a]) continue;
        add_rows(s, old, copied, w.kept_end(a));
        for (; next != fresh.end() && static_cast<std::size_t>(next->account) == a; ++next) {
            s.account.push_back(next->account);
            s.begin.push_back(next->begin);
            s.end.push_back(next->end);
            s.derived.push_back(next->derived);
        }
        copied = old.offsets[a + 1];
    }
    add_rows(s, old, copied, old.size());
    s.offsets[n] = static_cast<std::uint32_t>(s.size());
    return s;
}

/// The first day of `added`'s events.
Date first_event(const BookData& added) {
    Date first = Date::max();
    for (const auto* dates :
         {&added.interactions->date, &added.requests->received_on, &added.surveys->date}) {
        if (!dates->empty()) first = std::min(first, *std::min_element(dates->begin(), dates->end()));
    }
    const auto& rev = added.revenue->date;
    if (rev.size() > 0) first = std::min(first, *std::min_element(rev.begin(), rev.end()));
    return first;
}

/// The version of a Book appended to `base`: the first days from which its answers may differ (see
/// `BookVersion`), `seen` its sightings.
std::shared_ptr<const BookVersion> appended_version(const BookData& base, const BookData& added,
                                                    const SightingTable& seen) {
    auto v = std::make_shared<BookVersion>(*BookVersion::fresh());
    v->parent = base.version;
    v->events_from = first_event(added);
    for (std::size_t a = 0; a < seen.size(); ++a) {
        const Date was = base.sightings->last_seen[a];
        if (!was.is_null() && was < seen.last_seen[a]) v->seen_from = std::min(v->seen_from, was + 1);
    }
    return v;
}

/// `old` itself when `added` has no rows, else the table `join` makes of both.
template <class T, class Join>
Shared<T> joined_or_old(const Shared<T>& old, const Shared<T>& added, const Join& join) {
    if (added->size() == 0) return old;
    return Shared<T>(join(*old, *added));
}

}  // namespace

std::shared_ptr<BookData> appended(const BookData& base, BookData&& added) {
    auto out = std::make_shared<BookData>(base);  // every table shared, until replaced below
    out->tables_given.clear();
    for (const auto& spec : schema()) {
        const auto given = [&](const BookData& d) {
            return std::find(d.tables_given.begin(), d.tables_given.end(), spec.name) != d.tables_given.end();
        };
        if (given(base) || given(added)) out->tables_given.emplace_back(spec.name);
    }
    see_events(out->sightings.write(), added);
    if (added.revenue->size() > 0) {
        // Lines appended after the last ones go on with their accounts' open spells; earlier ones may split
        // or join any spell of their account: every derived spell is walked again.
        bool in_order = true;
        out->revenue = Shared<RevenueTable>(joined_revenue(*base.revenue, *added.revenue, in_order));
        out->spells = Shared<SpellTable>(walked_spells(
            *base.spells, *out->revenue, in_order ? base.revenue->size() : 0, base.options.inactivity_days));
    }
    out->interactions = joined_or_old(base.interactions, added.interactions, joined_interactions);
    out->requests = joined_or_old(base.requests, added.requests, joined_requests);
    out->surveys = joined_or_old(base.surveys, added.surveys, joined_surveys);
    out->version = appended_version(base, added, *out->sightings);
    return out;
}

}  // namespace accountkpi::detail
