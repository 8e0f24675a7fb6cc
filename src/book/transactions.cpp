#include "accountkpi/book/transactions.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "accountkpi/detail/order.hpp"
#include "accountkpi/detail/prefetch.hpp"
#include "accountkpi/detail/zeroed.hpp"
#include "parts_detail.hpp"
#include "transactions_detail.hpp"

namespace accountkpi {

RegionRule parse_region_rule(std::string_view text) {
    if (text == "most_frequent") return RegionRule::most_frequent;
    if (text == "first") return RegionRule::first;
    if (text == "last") return RegionRule::last;
    throw std::invalid_argument("region_rule must be 'most_frequent', 'first' or 'last', got '" +
                                std::string(text) + "'");
}

namespace {

constexpr std::int32_t none = -1;   ///< no region: an account without a line that names one
constexpr std::int32_t mixed = -2;  ///< an account whose lines name several regions

/// The lines' accounts and regions as the region rule reads them: line `i`'s pair when both are known.
template <class RegionOf>
struct Lines {
    std::span<const std::int32_t> account;
    const RegionOf& region;
    std::size_t accounts, regions;

    [[nodiscard]] std::size_t size() const noexcept { return account.size(); }
    /// Line `i`'s account and region, or nullopt when it lacks one (such lines do not count).
    [[nodiscard]] std::optional<std::pair<std::size_t, std::int32_t>> pair(std::size_t i) const {
        const auto a = account[i];
        const auto r = region(i);
        if (a < 0 || r < 0 || static_cast<std::size_t>(a) >= accounts ||
            static_cast<std::size_t>(r) >= regions)
            return std::nullopt;
        return std::pair{static_cast<std::size_t>(a), r};
    }
};

/// Each account's one region (`none`, or `mixed` when its lines name several), found in parts of the lines
/// on threads (see `detail::in_parts`) and combined: in real logs a customer almost always has one region,
/// which every rule then chooses without counting its lines. When most accounts of the first sixteenth of the
/// lines are in several regions already (a log that draws each line's region at random), every account is
/// `mixed`: counting them all costs less than this pass would save.
template <class RegionOf>
std::vector<std::int32_t> sole_regions(const Lines<RegionOf>& lines, unsigned threads) {
    const std::size_t n = lines.size();
    const auto seen = [&](std::size_t from, std::size_t to) {
        std::vector<std::int32_t> sole = detail::vector_on_huge_pages(lines.accounts, none);
        // Through a copy of `lines` and of the table's address: the loop keeps them in registers, where
        // through references it read them again each line (a quarter more time).
        const Lines<RegionOf> at = lines;
        std::int32_t* const of = sole.data();
        for (std::size_t i = from; i < to; ++i) {
            detail::interruption_point(i);
            if (const auto p = at.pair(i)) {
                std::int32_t& s = of[p->first];
                s = s == none || s == p->second ? p->second : mixed;
            }
        }
        return sole;
    };
    const std::size_t head = n / 16;
    std::vector<std::int32_t> early = seen(0, head);
    const auto several = std::count(early.begin(), early.end(), mixed);
    if (2 * several > std::ssize(early) - std::count(early.begin(), early.end(), none))
        return std::vector<std::int32_t>(lines.accounts, mixed);
    const std::size_t tables = (4 * n + 4096) / std::max<std::size_t>(1, lines.accounts);
    // The other lines in parts; the first sixteenth's table is one more part.
    std::vector<std::vector<std::int32_t>> parts =
        detail::in_parts(n - head, n - head, static_cast<unsigned>(detail::threads_for(threads, tables, n)),
                         [&](std::size_t from, std::size_t to) { return seen(head + from, head + to); });
    parts.push_back(std::move(early));
    std::vector<std::int32_t>& sole = parts.front();
    for (std::size_t k = 1; k < parts.size(); ++k) {
        for (std::size_t a = 0; a < sole.size(); ++a) {
            const std::int32_t x = sole[a], y = parts[k][a];
            sole[a] = y == none || x == y ? x : x == none ? y : mixed;
        }
    }
    return std::move(sole);
}

/// How many lines each (account, region) pair of the accounts in several regions has: `row(a)` is account
/// `a`'s row (-1: not counted), its pairs in a dense table of `rows x regions` counts when that is at most
/// four times the lines, else in a hash map of the pairs seen.
class PairCounts {
  public:
    template <class RegionOf>
    PairCounts(const Lines<RegionOf>& lines, const std::vector<std::int32_t>& sole, unsigned threads)
        : regions_(lines.regions), row_(sole.size(), -1) {
        counted_.assign((sole.size() + 63) / 64, 0);
        for (std::size_t a = 0; a < sole.size(); ++a) {
            if (sole[a] != mixed) continue;
            row_[a] = static_cast<std::int32_t>(rows_++);
            counted_[a / 64] |= std::uint64_t{1} << (a % 64);
        }
        every_ = rows_ == sole.size();
        cells_ = rows_ * regions_;
        const std::size_t dense = 4 * lines.size() + 4096;  // the most pairs a dense table has, in all
        if (rows_ == 0) return;  // every account in one region or none: nothing to count
        if (cells_ <= dense) {
            count_dense(lines, threads, dense / std::max<std::size_t>(1, cells_));
        } else {
            count_sparse(lines);
        }
    }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    /// Account `a`'s row, -1 when its lines are not counted.
    [[nodiscard]] std::int32_t row(std::size_t a) const noexcept {
        return every_ ? static_cast<std::int32_t>(a) : row_[a];
    }
    /// The lines of the pair (row `k`, region `r`).
    [[nodiscard]] std::uint32_t operator()(std::size_t k, std::int32_t r) const {
        const std::size_t c = k * regions_ + static_cast<std::size_t>(r);
        if (!dense_.empty()) return dense_[c];
        const auto it = sparse_.find(c);
        return it == sparse_.end() ? 0 : it->second;
    }
    /// Each row's most lines, a region with as many (`none` without lines), and whether another region has
    /// as many too; with at most 64 regions in a dense table, the regions that have as many as a bit each
    /// (`tied_regions`, 0 for a row not tied), read where the table itself would be read at random.
    struct Most {
        std::vector<std::uint32_t> lines;
        std::vector<std::int32_t> region;
        std::vector<std::uint8_t> tied;
        std::vector<std::uint64_t> tied_regions;
    };
    [[nodiscard]] Most most(unsigned threads) const {
        Most m{std::vector<std::uint32_t>(rows_, 0),
               std::vector<std::int32_t>(rows_, none),
               std::vector<std::uint8_t>(rows_, 0),
               {}};
        const auto add = [&m](std::size_t k, std::int32_t r, std::uint32_t n) {
            if (n > m.lines[k]) {
                m.lines[k] = n;
                m.region[k] = r;
                m.tied[k] = 0;
            } else if (n == m.lines[k]) {
                m.tied[k] = 1;
            }
        };
        for (const auto& [c, lines] : sparse_)
            add(c / regions_, static_cast<std::int32_t>(c % regions_), lines);
        if (!dense_.empty()) most_of_rows(m, threads);
        return m;
    }

  private:
    /// `most` of the dense table's rows: a row's maximum, then how many regions reach it, in loops without
    /// branches, which the compiler makes for several cells at once (a branch per cell is mispredicted at
    /// random counts); the rows split among the threads.
    void most_of_rows(Most& m, unsigned threads) const {
        const bool masks = regions_ <= 64;
        if (masks) m.tied_regions.assign(rows_, 0);
        (void)detail::in_parts(rows_, cells_, threads, [&](std::size_t from, std::size_t to) {
            for (std::size_t k = from; k < to; ++k) {
                detail::interruption_point(k);
                const std::uint32_t* const row = &dense_[k * regions_];
                std::uint32_t most = 0;
                for (std::size_t r = 0; r < regions_; ++r) most = std::max(most, row[r]);
                if (most == 0) continue;
                std::size_t reach = 0;
                for (std::size_t r = 0; r < regions_; ++r) reach += static_cast<std::size_t>(row[r] == most);
                m.lines[k] = most;
                m.region[k] = static_cast<std::int32_t>(std::find(row, row + regions_, most) - row);
                m.tied[k] = static_cast<std::uint8_t>(reach > 1);
                if (!masks || reach < 2) continue;
                std::uint64_t bits = 0;
                for (std::size_t r = 0; r < regions_; ++r) bits |= std::uint64_t{row[r] == most} << r;
                m.tied_regions[k] = bits;
            }
            return true;
        });
    }
    /// Whether line `i`'s account, if any, is counted.
    template <class RegionOf>
    [[nodiscard]] bool counts_account(const Lines<RegionOf>& lines, std::size_t i) const {
        const auto a = static_cast<std::size_t>(lines.account[i]);  // a negative id wraps beyond `accounts`
        return a < lines.accounts && ((counted_[a / 64] >> (a % 64)) & 1U) != 0;
    }
    /// The cell of line `i`'s pair; `cells_` (a cell past the pairs') when it is not counted.
    template <class RegionOf>
    [[nodiscard]] std::size_t cell(const Lines<RegionOf>& lines, std::size_t i) const {
        const auto p = lines.pair(i);
        const std::int32_t k = p ? row(p->first) : -1;
        return k < 0 ? cells_ : static_cast<std::size_t>(k) * regions_ + static_cast<std::size_t>(p->second);
    }

    /// A part's counts: each cell's lines modulo 256 (a byte a cell: a quarter of the memory read at
    /// random), and a cell's index each time its count passed 255.
    struct PartCounts {
        std::vector<std::uint8_t> low;
        std::vector<std::size_t> wrapped;
        [[gnu::always_inline]] void add(std::size_t c) {
            if (++low[c] == 0) wrapped.push_back(c);
        }
    };

    /// The lines counted in parts, each on a thread of its own into a table of its own (at most `tables`
    /// tables), then added up by ranges of cells.
    template <class RegionOf>
    void count_dense(const Lines<RegionOf>& lines, unsigned threads, std::size_t tables) {
        const std::size_t n = lines.size();
        // When few accounts are counted (a real log: a handful of customers in two countries), few lines
        // are: each is skipped by a branch the processor foresees, and their counts stay in the cache.
        const bool few = 16 * rows_ <= row_.size();
        // Else the cells are read at random (3 MB for 10^7 lines of a log whose every customer is in 38
        // countries): each is fetched `ahead` lines before it is counted, its place kept meanwhile.
        constexpr std::size_t ahead = 16;
        const auto counted = [&](std::size_t from, std::size_t to) {
            PartCounts count{detail::vector_on_huge_pages(cells_ + 1, std::uint8_t{0}), {}};
            if (few) {
                for (std::size_t i = from; i < to; ++i) {
                    detail::interruption_point(i);
                    if (!counts_account(lines, i)) continue;  // the account alone, before its region is read
                    if (const std::size_t c = cell(lines, i); c < cells_) count.add(c);
                }
                return count;
            }
            std::array<std::size_t, ahead> coming{};
            for (std::size_t i = from; i < std::min(to, from + ahead); ++i)
                coming[i % ahead] = cell(lines, i);
            for (std::size_t i = from; i < to; ++i) {
                detail::interruption_point(i);
                const std::size_t c = coming[i % ahead];
                if (i + ahead < to) {
                    coming[i % ahead] = cell(lines, i + ahead);
                    detail::prefetch_write(&count.low[coming[i % ahead]]);
                }
                count.add(c);
            }
            return count;
        };
        const std::vector<PartCounts> parts =
            detail::in_parts(n, n, static_cast<unsigned>(detail::threads_for(threads, tables, n)), counted);
        dense_ = detail::vector_on_huge_pages(cells_, std::uint32_t{0});
        detail::in_parts(cells_, cells_ * parts.size(), threads, [&](std::size_t from, std::size_t to) {
            for (const PartCounts& part : parts) {
                for (std::size_t c = from; c < to; ++c) dense_[c] += part.low[c];
            }
            return true;
        });
        for (const PartCounts& part : parts) {
            for (const std::size_t c : part.wrapped) {
                if (c < cells_) dense_[c] += 256;
            }
        }
    }

    template <class RegionOf>
    void count_sparse(const Lines<RegionOf>& lines) {
        for (std::size_t i = 0; i < lines.size(); ++i) {
            detail::interruption_point(i);
            if (const std::size_t c = cell(lines, i); c < cells_) ++sparse_[c];
        }
    }

    std::size_t regions_, rows_ = 0, cells_ = 0;
    std::vector<std::int32_t> row_;
    std::vector<std::uint64_t> counted_;  // a bit per account, set when counted (fits the L1 cache)
    bool every_ = false;                  // every account counted, each its own row (read without `row_`)
    std::vector<std::uint32_t> dense_;    // `cells_` counts
    std::unordered_map<std::uint64_t, std::uint32_t> sparse_;
};

/// Each account's most frequent region, a tie going to the region of the latest line (in `line(rank)` order):
/// an account in one region has it; the others' pairs are counted, and a tie is settled by walking the lines
/// back from the latest until a line of the account names one of its tied regions.
template <class RegionOf, class LineOf>
std::vector<std::int32_t> most_frequent(const Lines<RegionOf>& lines, const LineOf& line, unsigned threads) {
    std::vector<std::int32_t> out = sole_regions(lines, threads);
    const PairCounts count(lines, out, threads);
    // Per counted row: its most lines, and whether another region has as many (then it is settled below).
    auto [most, best, tied, tied_regions] = count.most(threads);
    std::size_t open = 0;
    for (std::size_t a = 0; a < out.size(); ++a) {
        const std::int32_t k = count.row(a);
        if (k < 0) continue;
        out[a] = best[static_cast<std::size_t>(k)];
        open += tied[static_cast<std::size_t>(k)];
    }
    for (std::size_t rank = lines.size(); open > 0 && rank-- > 0;) {
        detail::interruption_point(rank);
        const std::size_t i = line(rank);
        const auto p = lines.pair(i);
        if (!p) continue;
        const std::int32_t row = count.row(p->first);
        const auto k = static_cast<std::size_t>(row);
        if (row < 0 || !tied[k]) continue;
        const bool as_many = tied_regions.empty() ? count(k, p->second) == most[k]
                                                  : ((tied_regions[k] >> p->second) & 1U) != 0;
        if (as_many) {
            out[p->first] = p->second;
            tied[k] = 0;
            --open;
        }
    }
    return out;
}

/// `regions_by_rule` with line `i`'s region `region(i)`.
template <class RegionOf>
std::vector<std::int32_t> by_rule(std::span<const std::int32_t> account, const RegionOf& region,
                                  std::span<const std::uint32_t> order, std::size_t accounts,
                                  std::size_t regions, RegionRule rule, unsigned threads) {
    const Lines<RegionOf> lines{account, region, accounts, regions};
    const auto line = [&](std::size_t rank) { return order.empty() ? rank : std::size_t{order[rank]}; };
    if (rule == RegionRule::most_frequent) return most_frequent(lines, line, threads);
    std::vector<std::int32_t> out(accounts, none);
    for (std::size_t rank = 0; rank < lines.size(); ++rank) {
        const auto p = lines.pair(line(rank));
        if (!p) continue;
        auto& chosen = out[p->first];
        if (rule == RegionRule::last || chosen < 0) chosen = p->second;
    }
    return out;
}

}  // namespace

std::vector<std::int32_t> derive_regions(std::span<const std::int32_t> account,
                                         std::span<const std::int32_t> region, std::span<const Date> day,
                                         std::size_t accounts, std::size_t regions, RegionRule rule) {
    if (region.size() != account.size() || day.size() != account.size()) {
        throw std::invalid_argument("derive_regions: account, region and day need one value per line");
    }
    // Lines in (day, position) order; none when the log is in day order already (the common case).
    const std::vector<std::uint32_t> order =
        std::is_sorted(day.begin(), day.end()) ? std::vector<std::uint32_t>{} : detail::stable_order(day);
    // On the calling thread: the public function has no thread option (a log's build passes its own).
    return by_rule(
        account, [&](std::size_t i) { return region[i]; }, order, accounts, regions, rule, 1);
}

std::vector<std::int32_t> detail::regions_by_rule(std::span<const std::int32_t> account,
                                                  const Codes& region_codes,
                                                  std::span<const std::int32_t> region_of_code,
                                                  std::span<const std::uint32_t> order, std::size_t accounts,
                                                  std::size_t regions, RegionRule rule, unsigned threads) {
    return region_codes.visit([&](auto codes) {
        const auto region = [&](std::size_t i) {
            const auto code = static_cast<std::int64_t>(codes[i]);  // NOLINT(bugprone-signed-char-misuse)
            return code >= 0 && static_cast<std::uint64_t>(code) < region_of_code.size()
                       ? region_of_code[static_cast<std::size_t>(code)]
                       : std::int32_t{-1};
        };
        return by_rule(account, region, order, accounts, regions, rule, threads);
    });
}

}  // namespace accountkpi
