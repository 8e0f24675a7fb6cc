// Lifetime value measured on a Book: historical LTV per account, cohort tables.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "accountkpi/detail/sum.hpp"
#include "accountkpi/ltv/book.hpp"

namespace accountkpi::ltv {

std::vector<double> historical(const Book& book, Date end, Measure measure) {
    const auto& rev = book.revenue();
    const std::size_t n = book.accounts().size();
    std::vector<double> sum(n, 0.0), comp(n, 0.0);
    const auto last =
        static_cast<std::size_t>(std::lower_bound(rev.date.begin(), rev.date.end(), end) - rev.date.begin());
    for (std::size_t i = 0; i < last; ++i) {
        const auto a = static_cast<std::size_t>(rev.account[i]);
        const double x = measure == Measure::revenue ? rev.amount[i] : rev.amount[i] - rev.cost[i];
        detail::neumaier_add(sum[a], comp[a], x);
    }
    for (std::size_t a = 0; a < n; ++a) sum[a] += comp[a];
    return sum;
}

CohortTable cohorts(const Book& book, Frequency freq, CohortMeasure measure, Date end) {
    const auto& sp = book.spells();
    const std::size_t n = book.accounts().size();
    CohortTable t;
    Date first = Date::max();
    for (std::size_t a = 0; a < n; ++a) {
        if (sp.offsets[a] < sp.offsets[a + 1]) first = std::min(first, sp.begin[sp.offsets[a]]);
    }
    if (first == Date::max() || !(first < end)) return t;
    const std::vector<Period> all =
        periods(first, end, freq);  // every calendar period from the first cohort on
    const auto index_of = [&](Date d) {
        const auto it = std::upper_bound(all.begin(), all.end(), d,
                                         [](Date x, const Period& p) { return x < p.begin(); });
        return static_cast<std::size_t>(it - all.begin()) - 1;
    };
    // The cohort (index into `all`) of each account, by its first acquisition.
    std::vector<std::int64_t> cohort_of(n, -1);
    std::vector<std::int64_t> size(all.size(), 0);
    for (std::size_t a = 0; a < n; ++a) {
        if (sp.offsets[a] == sp.offsets[a + 1]) continue;
        const std::size_t c = index_of(sp.begin[sp.offsets[a]]);
        cohort_of[a] = static_cast<std::int64_t>(c);
        ++size[c];
    }
    const std::size_t np = all.size();
    std::vector<double> value(np * np, 0.0);  // [cohort][calendar period]
    if (measure == CohortMeasure::logo) {
        for (std::size_t a = 0; a < n; ++a) {
            if (cohort_of[a] < 0) continue;
            const auto c = static_cast<std::size_t>(cohort_of[a]);
            for (std::size_t p = c; p < np; ++p) {
                const Date last = all[p].end() - 1;
                if (book.is_client(static_cast<std::int32_t>(a), last)) value[c * np + p] += 1;
            }
        }
    } else {
        const auto& rev = book.revenue();
        const auto [lo, hi] = rows_in(rev.date, Period{all.front().begin(), end});
        std::vector<double> comp(np * np, 0.0);
        for (std::size_t i = lo; i < hi; ++i) {
            const auto c = cohort_of[static_cast<std::size_t>(rev.account[i])];
            if (c < 0) continue;
            const std::size_t p = index_of(rev.date[i]);
            if (p < static_cast<std::size_t>(c)) continue;  // revenue before the first acquisition
            const std::size_t cell = static_cast<std::size_t>(c) * np + p;
            detail::neumaier_add(value[cell], comp[cell], rev.amount[i]);
        }
        for (std::size_t k = 0; k < value.size(); ++k) value[k] += comp[k];
    }
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    t.ages = np;
    for (std::size_t c = 0; c < np; ++c) {
        if (size[c] == 0) continue;
        t.cohorts.push_back(all[c]);
        t.size.push_back(size[c]);
        for (std::size_t k = 0; k < np; ++k) {
            const std::size_t p = c + k;
            double v = nan;
            if (p < np && !(end < all[p].end())) {  // the period is complete by `end`
                const double base =
                    measure == CohortMeasure::logo ? static_cast<double>(size[c]) : value[c * np + c];
                v = base == 0 ? nan : value[c * np + p] / base;
            }
            t.cells.push_back(v);
        }
    }
    return t;
}

}  // namespace accountkpi::ltv
