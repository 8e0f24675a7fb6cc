// The roll-up of the organisation's keys. The pass over the events puts each event and account in its own
// group (the owner for `team`, the owner's unit for `unit`, the account for `account_group`); here every own
// group is added into the groups of its tree nodes (itself and all above it; only the top for account
// groups), so that each node's cells are exact sums over the node's part of the tree: counts and money add
// exactly, lists (medians, concentration) are joined, and every ratio is recomputed from them in `finalize`.
// One pass over the events, then O(groups x depth) additions of whole cells; never a pass per node.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "rollup_detail.hpp"

namespace accountkpi::kpi {
namespace {

/// For each code of key `k` (plus the missing value first, at 0), the codes of the tree nodes its own cells
/// go into.
std::vector<std::vector<std::int32_t>> nodes_of(const Book& book, Key k) {
    const std::vector<std::int32_t>* parent = nullptr;
    switch (k) {
        case Key::team:
            parent = &book.managers().reports_to;
            break;
        case Key::unit:
            parent = &book.units().parent;
            break;
        case Key::account_group:
            parent = &book.accounts().parent;
            break;
        default:
            break;
    }
    const std::size_t n = parent ? parent->size() : 0;
    std::vector<std::vector<std::int32_t>> out(n + 1);
    out[0] = {none};
    for (std::size_t c = 0; c < n; ++c) {
        // The build rejects cycles, so every chain ends; `n` steps bound it all the same.
        std::vector<std::int32_t> chain{static_cast<std::int32_t>(c)};
        for (std::size_t step = 0; step < n && (*parent)[static_cast<std::size_t>(chain.back())] != none;
             ++step)
            chain.push_back((*parent)[static_cast<std::size_t>(chain.back())]);
        if (k == Key::account_group) chain = {chain.back()};  // only the top account keeps a row
        out[c + 1] = std::move(chain);
    }
    return out;
}

}  // namespace

State roll_up(const Book& book, State own) {
    const auto& by = own.by();
    bool any = false;
    for (Key k : by) any = any || rolls_up(k);
    if (!any) return own;
    std::vector<std::vector<std::vector<std::int32_t>>> nodes(by.size());
    for (std::size_t k = 0; k < by.size(); ++k) {
        if (rolls_up(by[k])) nodes[k] = nodes_of(book, by[k]);
    }
    State out = own.empty_like();
    // Each own group's target groups: the cross product of its keys' nodes.
    std::vector<std::vector<std::uint32_t>> into(own.slots());
    for (std::size_t g = 0; g < own.slots(); ++g) {
        if (!own.in_use(g)) continue;
        std::vector<std::array<std::int32_t, 8>> targets(1);
        for (std::size_t k = 0; k < by.size(); ++k) {
            const std::int32_t code = own.code(g, k);
            if (!rolls_up(by[k])) {
                for (auto& t : targets) t[k] = code;
                continue;
            }
            const auto& chain = nodes[k][State::slot_of(code)];
            std::vector<std::array<std::int32_t, 8>> crossed;
            crossed.reserve(targets.size() * chain.size());
            for (const auto& t : targets) {
                for (std::int32_t node : chain) {
                    crossed.push_back(t);
                    crossed.back()[k] = node;
                }
            }
            targets = std::move(crossed);
        }
        for (const auto& t : targets) into[g].push_back(out.group(t));
    }
    out.add_into(own, into);
    return out;
}

State State::empty_like() const {
    return empty_like(n_periods_);
}

State State::empty_like(std::size_t periods) const {
    std::vector<std::uint64_t> cardinalities;
    for (auto e : extent_) cardinalities.push_back(e - 1);
    return {by_, cardinalities, periods, sum_on_, count_on_, account_level_, narrow_};
}

void State::add_into(const State& own, const std::vector<std::vector<std::uint32_t>>& into) {
    if (own.n_periods_ != n_periods_ || own.sum_on_ != sum_on_ || own.count_on_ != count_on_ ||
        own.account_level_ != account_level_ || into.size() != own.slots()) {
        throw std::invalid_argument("add_into: the states come from different requests");
    }
    take_overflow(own);
    const std::size_t np = n_periods_;
    for (std::size_t p = 0; p < np; ++p) {
        for (std::size_t g = 0; g < into.size(); ++g) {
            if (!own.in_use(g)) continue;
            const std::size_t from = own.cell(g, p);
            for (std::uint32_t h : into[g]) {
                const std::size_t to = cell(h, p);
                add_sums(to, own, from);
                for (std::size_t j = 0; j < count_width_; ++j)
                    counts_[to * count_width_ + j] += own.counts_[from * count_width_ + j];
            }
        }
    }
    for (std::size_t l = 0; l < n_lists; ++l) {
        for (const auto& [at, x] : own.lists_[l]) {
            for (std::uint32_t h : into[at / np])
                lists_[l].emplace_back(static_cast<std::uint32_t>(h * np + at % np), x);
        }
    }
}

}  // namespace accountkpi::kpi
