#include "accountkpi/book/transactions.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

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

/// How often an (account, region) pair occurs and the rank of its latest line.
struct Tally {
    std::uint32_t lines = 0;
    std::uint32_t latest = 0;
    [[nodiscard]] bool beats(const Tally& other) const noexcept {
        return lines != other.lines ? lines > other.lines : latest > other.latest;
    }
};

/// `regions_by_rule` with line `i`'s region `region(i)`.
template <class RegionOf>
std::vector<std::int32_t> by_rule(std::span<const std::int32_t> account, const RegionOf& region,
                                  std::span<const std::uint32_t> order, std::size_t accounts,
                                  std::size_t regions, RegionRule rule, unsigned threads) {
    const std::size_t n = account.size();
    const auto valid = [&](std::int32_t a, std::int32_t r) {
        return a >= 0 && r >= 0 && static_cast<std::size_t>(a) < accounts &&
               static_cast<std::size_t>(r) < regions;
    };
    const auto line = [&](std::size_t rank) { return order.empty() ? rank : std::size_t{order[rank]}; };

    std::vector<std::int32_t> out(accounts, -1);
    if (rule != RegionRule::most_frequent) {
        for (std::size_t rank = 0; rank < n; ++rank) {
            const std::size_t i = line(rank);
            const auto a = account[i];
            const auto r = region(i);
            if (!valid(a, r)) continue;
            auto& chosen = out[static_cast<std::size_t>(a)];
            if (rule == RegionRule::last || chosen < 0) chosen = r;
        }
        return out;
    }
    std::vector<Tally> best(accounts);
    const auto consider = [&](std::size_t a, std::int32_t r, const Tally& t) {
        if (out[a] < 0 || t.beats(best[a])) {
            out[a] = r;
            best[a] = t;
        }
    };
    const std::size_t dense_pairs = 4 * n + 4096;  // the most pairs a dense table has, in all
    if (accounts * regions <= dense_pairs) {
        // The lines are counted in parts, each on a thread of its own into a table of its own (no more parts
        // than keep the tables within `dense_pairs` together); the tables are then added up, in line order,
        // by ranges of accounts.
        const auto counted = [&](std::size_t from, std::size_t to) {
            std::vector<Tally> pairs = detail::vector_on_huge_pages(accounts * regions, Tally{});
            const auto pair = [&](std::size_t j, std::int32_t r) {
                return &pairs[static_cast<std::size_t>(account[j]) * regions + static_cast<std::size_t>(r)];
            };
            // The pairs are read at random (24 MB for 10^7 lines of a log like Online Retail): each is
            // fetched `ahead` lines before it is counted.
            constexpr std::size_t ahead = 16;
            for (std::size_t rank = from; rank < to; ++rank) {
                detail::interruption_point(rank);
                if (rank + ahead < to) {
                    const std::size_t j = line(rank + ahead);
                    const auto r = region(j);
                    if (valid(account[j], r)) detail::prefetch_write(pair(j, r));
                }
                const std::size_t i = line(rank);
                const auto r = region(i);
                if (!valid(account[i], r)) continue;
                Tally* t = pair(i, r);
                ++t->lines;
                t->latest = static_cast<std::uint32_t>(rank);
            }
            return pairs;
        };
        const std::size_t tables = dense_pairs / std::max<std::size_t>(1, accounts * regions);
        const std::vector<std::vector<Tally>> parts =
            detail::in_parts(n, n, static_cast<unsigned>(detail::threads_for(threads, tables, n)), counted);
        const auto chosen = [&](std::size_t from, std::size_t to) {
            for (std::size_t a = from; a < to; ++a) {
                for (std::size_t r = 0; r < regions; ++r) {
                    Tally t;
                    for (const auto& part : parts) {
                        const Tally& p = part[a * regions + r];
                        if (p.lines == 0) continue;
                        t.lines += p.lines;
                        t.latest = p.latest;
                    }
                    if (t.lines > 0) consider(a, static_cast<std::int32_t>(r), t);
                }
            }
            return true;
        };
        detail::in_parts(accounts, accounts * regions * parts.size(), threads, chosen);
        return out;
    }
    std::unordered_map<std::uint64_t, Tally> pairs;  // the pairs seen, when a dense table would be too large
    for (std::size_t rank = 0; rank < n; ++rank) {
        const std::size_t i = line(rank);
        const auto r = region(i);
        if (!valid(account[i], r)) continue;
        auto& t = pairs[static_cast<std::uint64_t>(account[i]) * regions + static_cast<std::uint64_t>(r)];
        ++t.lines;
        t.latest = static_cast<std::uint32_t>(rank);
    }
    for (const auto& [key, t] : pairs) {
        consider(static_cast<std::size_t>(key / regions), static_cast<std::int32_t>(key % regions), t);
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
