// Lifetime value measured on a Book: historical LTV per account, cohort tables, the RFM summary.
#include "accountkpi/ltv/book.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "accountkpi/detail/sum.hpp"

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

RfmUnit parse_rfm_unit(std::string_view code) {
    if (code.size() == 1) {
        switch (std::toupper(static_cast<unsigned char>(code[0]))) {
            case 'D':
                return RfmUnit::day;
            case 'W':
                return RfmUnit::week;
            case 'M':
                return RfmUnit::month;
            default:
                break;
        }
    }
    throw std::invalid_argument("unknown RFM unit '" + std::string(code) + "' (expected D, W or M)");
}

namespace {

/// The number of the `unit` containing `d`, counted from any fixed origin (only differences matter).
std::int64_t unit_number(Date d, RfmUnit unit) {
    switch (unit) {
        case RfmUnit::day:
            return d.days();
        case RfmUnit::week: {  // weeks from Monday 1969-12-29 (1970-01-01 was a Thursday), rounded down
            const std::int64_t x = std::int64_t{d.days()} + 3;
            return x >= 0 ? x / 7 : -((-x + 6) / 7);
        }
        case RfmUnit::month:
            return std::int64_t{d.year()} * 12 + d.month() - 1;
    }
    return 0;
}

/// One account's purchases so far, in date order.
struct Purchases {
    std::int64_t first = 0;            // unit of the first purchase
    std::int64_t last = 0;             // unit of the latest purchase
    std::int64_t units = 0;            // units with a purchase
    detail::Int128 total = 0;          // all purchases, in millionths
    detail::Int128 in_first_unit = 0;  // purchases in the first unit
    void add(std::int64_t unit, detail::Int128 amount) noexcept {
        if (units == 0) first = unit;
        if (units == 0 || unit != last) ++units;
        last = unit;
        total += amount;
        if (unit == first) in_first_unit += amount;
    }
};

}  // namespace

RfmSummary rfm(const Book& book, std::optional<Date> end, RfmUnit unit) {
    const auto& rev = book.revenue();
    const std::size_t n = book.accounts().size();
    const std::size_t rows =
        end ? static_cast<std::size_t>(std::upper_bound(rev.date.begin(), rev.date.end(), *end) -
                                       rev.date.begin())
            : rev.date.size();
    // Lines are in date order: each account's day is summed until its next line on a later day.
    std::vector<Date> day(n, Date::null());
    std::vector<detail::Int128> day_sum(n, 0);
    std::vector<Purchases> bought(n);
    Date last_purchase = Date::min();
    const auto close_day = [&](std::size_t a) {
        if (day_sum[a] > 0) {
            bought[a].add(unit_number(day[a], unit), day_sum[a]);
            last_purchase = std::max(last_purchase, day[a]);
        }
        day_sum[a] = 0;
    };
    const std::int64_t end_unit = end ? unit_number(*end, unit) : 0;
    for (std::size_t i = 0; i < rev.date.size(); ++i) {
        // Past `end`: only lines in the unit that contains it still count.
        if (i >= rows && unit_number(rev.date[i], unit) != end_unit) break;
        const auto a = static_cast<std::size_t>(rev.account[i]);
        if (day[a] != rev.date[i]) {
            if (!day[a].is_null()) close_day(a);
            day[a] = rev.date[i];
        }
        day_sum[a] += detail::to_millionths(rev.amount[i]);
    }
    for (std::size_t a = 0; a < n; ++a) {
        if (!day[a].is_null()) close_day(a);
    }
    RfmSummary s;
    if (last_purchase == Date::min()) return s;
    const std::int64_t observed_to = end ? end_unit : unit_number(last_purchase, unit);
    for (std::size_t a = 0; a < n; ++a) {
        const Purchases& p = bought[a];
        if (p.units == 0) continue;
        s.account.push_back(static_cast<std::int32_t>(a));
        s.frequency.push_back(static_cast<double>(p.units - 1));
        s.recency.push_back(static_cast<double>(p.last - p.first));
        s.T.push_back(static_cast<double>(observed_to - p.first));
        s.monetary_value.push_back(p.units > 1 ? detail::from_millionths(p.total - p.in_first_unit) /
                                                     static_cast<double>(p.units - 1)
                                               : 0.0);
    }
    return s;
}

}  // namespace accountkpi::ltv
