// Timings of the grouped KPI engine and of building a Book, on demo books of 10^4, 10^5 and 10^6 accounts
// over two years (about 2.1 x 10^5, 2.1 x 10^6 and 2.1 x 10^7 revenue lines; the 12 months computed, the
// second year, hold about 1.1 x 10^5, 1.1 x 10^6 and 1.1 x 10^7 of them). Built in Release; refuses to run
// with assertions on; every benchmark checks the answer it times against a plain loop over the Book's
// columns.
//
//   ./bench_engine --benchmark_filter=Table      # the grouped table only
//   ./bench_engine --benchmark_out=engine.json --benchmark_out_format=json
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "accountkpi/book/builder.hpp"
#include "accountkpi/book/transactions.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/detail/sum.hpp"
#include "accountkpi/kpi.hpp"

#ifndef NDEBUG
#error "build the benchmarks in Release (-DNDEBUG): timings with assertions on are meaningless"
#endif

using namespace accountkpi;
using kpi::Key;
using kpi::Kpi;

namespace {

constexpr int first_year = 2023;
constexpr int year = first_year + 1;  // the year whose 12 months are computed: its base months have revenue

demo::Options options_of(std::int64_t accounts) {
    demo::Options o;
    o.seed = 42;
    o.accounts = static_cast<int>(accounts);
    o.years = 2;
    o.start_year = first_year;
    o.events = false;  // communications, requests and surveys are not used here
    return o;
}

/// One demo book per size, generated once for all the benchmarks of a run.
const Book& book_of(std::int64_t accounts) {
    static std::map<std::int64_t, std::unique_ptr<Book>> cache;
    auto& slot = cache[accounts];
    if (!slot) slot = std::make_unique<Book>(demo::book(options_of(accounts)));
    return *slot;
}

std::vector<Period> months() {
    std::vector<Period> out;
    for (unsigned m = 1; m <= 12; ++m) out.push_back(Period::month(year, m));
    return out;
}

/// The month (0-11) of day `d` of `year`, or -1.
int month_index(Date d) {
    if (d.year() != year) return -1;
    return static_cast<int>(d.month()) - 1;
}

bool close(double x, double y, double tolerance) {
    return std::abs(x - y) <= tolerance * std::max(1.0, std::abs(y));
}

/// `x` to the last bit, for messages.
std::string exact(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", x);
    return text;
}

void fail(benchmark::State& state, const std::string& what) {
    state.SkipWithError(what.c_str());
}

/// Revenue per (key code, month) by a plain loop over the lines: the reference the engine must match. Money
/// is summed as the engine defines it, exactly in millionths (a compensated sum of the doubles differs in the
/// last digits where lines cancel: 1.0299999999988358 for 1.03).
std::map<std::pair<std::int32_t, int>, double> reference_revenue(const Book& book, Key by,
                                                                 int (*period_of)(Date) = month_index) {
    std::map<std::pair<std::int32_t, int>, detail::Int128> sums;
    const auto& r = book.revenue();
    for (std::size_t i = 0; i < r.size(); ++i) {
        const int m = period_of(r.date[i]);
        if (m < 0) continue;
        const detail::Int128 amount = detail::to_millionths(r.amount[i]);
        if (by == Key::region) {
            sums[{book.accounts().region[static_cast<std::size_t>(r.account[i])], m}] += amount;
            continue;
        }
        if (by != Key::team) {
            const std::int32_t key = by == Key::account   ? r.account[i]
                                     : by == Key::project ? r.project_of(i)
                                                          : r.manager_of(i);
            sums[{key, m}] += amount;
            continue;
        }
        // A team: the owner's line counts for him and for every manager above him.
        std::int32_t up = r.manager_of(i);
        do {
            sums[{up, m}] += amount;
            up = up == none ? none : book.managers().reports_to[static_cast<std::size_t>(up)];
        } while (up != none);
    }
    std::map<std::pair<std::int32_t, int>, double> out;
    for (const auto& [k, s] : sums) out[k] = detail::from_millionths(s);
    return out;
}

/// The request of the grouped table of issue 3: 12 monthly periods x 6 KPIs by `by`.
kpi::Request table_request(Key by) {
    kpi::Request rq;
    rq.periods = months();
    rq.by = {by};
    rq.kpis = {Kpi::revenue,        Kpi::gross_margin, Kpi::avg_deal_size,
               Kpi::retention_rate, Kpi::churn_rate,   Kpi::nrr};
    return rq;
}

/// The process's resident memory in MiB (`VmRSS`, or with `peak` its high-water mark `VmHWM`) on Linux; -1
/// elsewhere.
double resident_mib(bool peak) {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (f == nullptr) return -1;
    const char* field = peak ? "VmHWM:" : "VmRSS:";
    char line[256];
    double kib = -1;
    while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::strncmp(line, field, std::strlen(field)) == 0) kib = std::atof(line + std::strlen(field));
    }
    std::fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}
/// Starts the high-water mark of resident memory again from the current resident memory (Linux).
void reset_peak_memory() {
    if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", f);
        std::fclose(f);
    }
}

/// How `BM_Table` computes a request: its state of all periods at once, or one period at a time (see
/// `kpi::Request::state_budget`).
enum class Cells { all_periods, period_at_a_time };

/// The grouped table of issue 3 by manager, by account, or by team (issue 15: the same pass by manager, then
/// each manager's cells added up the reporting lines). With `threads_given`, the second argument is
/// `Request::threads` (the engine's scaling on 1 and 2 threads: `BM_Table/threads_by_*`, wall time); else one
/// thread per core. The counter `peak_mib`: the most resident memory the requests took above the Book's.
void BM_Table(benchmark::State& state, Key by, bool threads_given = false, Cells how = Cells::all_periods) {
    const Book& book = book_of(state.range(0));
    kpi::Request rq = table_request(by);
    if (threads_given) rq.threads = static_cast<unsigned>(state.range(1));
    rq.state_budget = how == Cells::all_periods ? std::numeric_limits<std::size_t>::max() : 0;
    kpi::Result r;
    reset_peak_memory();
    const double before = resident_mib(false);
    for (auto _ : state) {
        r = kpi::Result{};  // the last answer freed first: the peak is one request's
        r = kpi::compute(book, rq);
        benchmark::DoNotOptimize(r);
    }
    state.counters["peak_mib"] = resident_mib(true) - before;
    // The answer: revenue per cell equals the plain loop to the cent; rates within [0, 1].
    const auto expected = reference_revenue(book, by);
    const auto& revenue = r.column(Kpi::revenue);
    double total = 0;
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const auto it = expected.find({r.key_codes[0][i], r.period[i]});
        const double want = it == expected.end() ? 0.0 : it->second;
        if (!close(revenue[i], want, 1e-12))
            return fail(state, "revenue differs from the plain loop: key code " +
                                   std::to_string(r.key_codes[0][i]) + ", period " +
                                   std::to_string(r.period[i]) + ", " + exact(revenue[i]) + " against " +
                                   exact(want));
        total += revenue[i];
        for (Kpi k : {Kpi::retention_rate, Kpi::churn_rate}) {
            const double v = r.column(k)[i];
            if (!std::isnan(v) && !(v >= 0 && v <= 1)) return fail(state, "a rate outside [0, 1]");
        }
    }
    std::size_t cells = 0;
    for (const auto& [k, v] : expected) cells += v != 0;
    if (cells == 0 || !(total > 0)) return fail(state, "no revenue in the year");
    state.counters["rows"] = static_cast<double>(r.rows());
    state.counters["lines"] = static_cast<double>(book.revenue().size());
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(book.revenue().size()));
}

/// Revenue by month, ungrouped: one pass over the year's lines. Compare with `BM_SumColumn`.
void BM_RevenueByMonth(benchmark::State& state) {
    const Book& book = book_of(state.range(0));
    kpi::Request rq;
    rq.periods = months();
    rq.kpis = {Kpi::revenue};
    kpi::Result r;
    for (auto _ : state) {
        r = kpi::compute(book, rq);
        benchmark::DoNotOptimize(r);
    }
    const auto expected = reference_revenue(book, Key::manager);
    std::vector<detail::NeumaierSum> by_month(12);
    for (const auto& [k, v] : expected) by_month[static_cast<std::size_t>(k.second)].add(v);
    for (std::size_t m = 0; m < 12; ++m) {
        if (!close(r.values[0][m], by_month[m].value(), 1e-9))
            return fail(state, "monthly revenue differs from the plain loop");
    }
    const auto [lo, hi] = rows_in(book.revenue().date, Period::year(year));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>((hi - lo) * 8));
}

/// A small call (issue 20): one KPI of one quarter, ungrouped; its cost is the request's fixed cost more than
/// the quarter's lines. Compare with `BM_RevenueByMonth`.
void BM_OneKpiOneQuarter(benchmark::State& state) {
    const Book& book = book_of(state.range(0));
    kpi::Request rq;
    rq.periods = {Period::quarter(year, 2)};
    rq.kpis = {Kpi::revenue};
    kpi::Result r;
    for (auto _ : state) {
        r = kpi::compute(book, rq);
        benchmark::DoNotOptimize(r);
    }
    const auto [lo, hi] = rows_in(book.revenue().date, rq.periods[0]);
    detail::NeumaierSum expected;
    for (std::size_t i = lo; i < hi; ++i) expected.add(book.revenue().amount[i]);
    if (!close(r.values[0][0], expected.value(), 1e-12))
        return fail(state, "the quarter's revenue differs from the plain loop");
    state.counters["lines"] = static_cast<double>(hi - lo);
}

/// The first six months of `year` and its second half: periods of unequal work.
std::vector<Period> months_and_half_year() {
    std::vector<Period> out = months();
    out.erase(out.begin() + 6, out.end());
    out.push_back(Period{Date{year, 7, 1}, Date{year + 1, 1, 1}});
    return out;
}

/// The period of day `d` among `months_and_half_year`, or -1.
int month_or_half_year_index(Date d) {
    return std::min(month_index(d), 6);
}

/// Simple sums by one key (issue 20): revenue and gross margin by `by`, 12 months (or, with `unequal`,
/// `months_and_half_year`: the threads' runs of periods cut by their work, not their count), each answer
/// freed before the next. Compare with `BM_SumTouchedColumns`, the floor.
void sums_by(benchmark::State& state, Key by, bool unequal) {
    const Book& book = book_of(state.range(0));
    kpi::Request rq;
    rq.periods = unequal ? months_and_half_year() : months();
    rq.by = {by};
    rq.kpis = {Kpi::revenue, Kpi::gross_margin};
    kpi::Result r;
    for (auto _ : state) {
        r = kpi::compute(book, rq);
        benchmark::DoNotOptimize(r);
    }
    const auto expected = reference_revenue(book, by, unequal ? month_or_half_year_index : month_index);
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const auto it = expected.find({r.key_codes[0][i], r.period[i]});
        const double want = it == expected.end() ? 0.0 : it->second;
        if (!close(r.values[0][i], want, 1e-12)) return fail(state, "revenue differs from the plain loop");
    }
    const auto [lo, hi] = rows_in(book.revenue().date, Period::year(year));
    state.counters["lines"] = static_cast<double>(hi - lo);
    state.counters["rows"] = static_cast<double>(r.rows());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>((hi - lo) * 20));
}

/// Few groups: by region.
void BM_SumsByRegion(benchmark::State& state) {
    sums_by(state, Key::region, false);
}
void BM_SumsByRegionUnequalPeriods(benchmark::State& state) {
    sums_by(state, Key::region, true);
}
/// Many groups, a dense state: by account and by project (an answer of 1.2 and 3.2 million rows at 10^5
/// accounts).
void BM_SumsByAccount(benchmark::State& state) {
    sums_by(state, Key::account, false);
}
void BM_SumsByProject(benchmark::State& state) {
    sums_by(state, Key::project, false);
}
/// Some groups, each line's own: by manager (the owner at the line's date).
void BM_SumsByManager(benchmark::State& state) {
    sums_by(state, Key::manager, false);
}

/// The floor of `BM_SumsByRegion`: one plain pass over the columns it must read for the year's lines (amount,
/// cost, account), summing each.
void BM_SumTouchedColumns(benchmark::State& state) {
    const Book& book = book_of(state.range(0));
    const auto [lo, hi] = rows_in(book.revenue().date, Period::year(year));
    const auto& rev = book.revenue();
    double s = 0;
    for (auto _ : state) {
        double amount = 0, cost = 0;
        std::int64_t accounts = 0;
        for (std::size_t i = lo; i < hi; ++i) {
            amount += rev.amount[i];
            cost += rev.cost[i];
            accounts += rev.account[i];
        }
        s = amount + cost + static_cast<double>(accounts);
        benchmark::DoNotOptimize(s);
    }
    if (!(s > 0)) fail(state, "no revenue");
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>((hi - lo) * 20));
}

/// The floor of a one-pass KPI: summing the amounts of the same lines (the year's, a contiguous slice) with a
/// plain loop, as numpy's `amount[lo:hi].sum()` does.
void BM_SumColumn(benchmark::State& state) {
    const Book& book = book_of(state.range(0));
    const auto [lo, hi] = rows_in(book.revenue().date, Period::year(year));
    const auto first = book.revenue().amount.begin() + static_cast<std::ptrdiff_t>(lo);
    const auto last = book.revenue().amount.begin() + static_cast<std::ptrdiff_t>(hi);
    double s = 0;
    for (auto _ : state) {
        s = std::accumulate(first, last, 0.0);
        benchmark::DoNotOptimize(s);
    }
    if (!(s > 0)) fail(state, "no revenue");
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>((hi - lo) * 8));
}

/// Concentration over all accounts with revenue in the year: top 20% share, Pareto ratio, Gini, HHI and
/// the largest share, ungrouped.
void BM_Concentration(benchmark::State& state) {
    const Book& book = book_of(state.range(0));
    kpi::Request rq;
    rq.periods = {Period::year(year)};
    rq.kpis = {Kpi::top_share, Kpi::pareto_ratio, Kpi::gini, Kpi::hhi, Kpi::largest_client_share};
    kpi::Result r;
    for (auto _ : state) {
        r = kpi::compute(book, rq);
        benchmark::DoNotOptimize(r);
    }
    std::vector<detail::NeumaierSum> per(book.accounts().size());
    const auto& rev = book.revenue();
    for (std::size_t i = 0; i < rev.size(); ++i) {
        if (rev.date[i].year() == year) per[static_cast<std::size_t>(rev.account[i])].add(rev.amount[i]);
    }
    std::vector<double> positive;
    for (const auto& s : per) {
        if (s.value() > 0) positive.push_back(s.value());
    }
    if (!close(r.column(Kpi::gini)[0], kpi::gini(positive), 1e-9) ||
        !close(r.column(Kpi::hhi)[0], kpi::hhi(positive), 1e-9)) {
        return fail(state, "concentration differs from the measures over plain per-account sums");
    }
    state.counters["accounts"] = static_cast<double>(positive.size());
}

/// Building (validating, sorting, deriving owners) a Book from its input tables.
void BM_Build(benchmark::State& state) {
    const auto tables = demo::tables(options_of(state.range(0)));
    std::size_t lines = 0;
    for (auto _ : state) {
        BookBuilder builder;
        for (const auto& [name, table] : tables) builder.add(name, table);  // columns are shared, not copied
        const Book book = builder.build();
        lines = book.revenue().size();
        benchmark::DoNotOptimize(book);
    }
    if (lines != book_of(state.range(0)).revenue().size()) fail(state, "the built book differs");
    state.counters["lines"] = static_cast<double>(lines);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines));
}

/// A transaction log shaped like `benchmarks/python/bench_build.py`'s synthetic one (Online Retail): about
/// 124 lines per customer (integer ids drawn at random), timestamps in seconds over one year in order, gamma
/// amounts, and each line's country (38, int8 dictionary codes) drawn at random: every customer in every
/// country, the region rule's worst case (its `--countries random`). With `Countries::one`, each customer's
/// lines name one country (its id modulo 38), as a real log's almost always do; with `Countries::few_in_two`
/// (its default), so do all but one customer in 200, whose lines name two (the next country too, by the drawn
/// one's parity), as in Online Retail (a handful of its 4,372 customers are in two countries).
enum class Countries { random, one, few_in_two };

Table transaction_log(std::size_t n, Countries countries = Countries::random) {
    std::mt19937_64 rng(0);
    const std::size_t customers = std::max<std::size_t>(1, n / 124);
    std::uniform_int_distribution<std::int64_t> customer(12'346,
                                                         12'346 + static_cast<std::int64_t>(customers) - 1);
    std::uniform_int_distribution<std::int64_t> second(0, 365 * 86'400 - 1);
    std::uniform_int_distribution<int> country(0, 37);
    std::gamma_distribution<double> sales(1.5, 12.0);
    std::vector<std::int64_t> id(n), at(n);
    std::vector<double> amount(n);
    auto codes = std::make_shared<std::vector<std::int8_t>>(n);
    const std::int64_t start = 1'291'161'600;  // 2010-12-01T00:00:00 in seconds since 1970
    for (std::size_t i = 0; i < n; ++i) {
        id[i] = customer(rng);
        at[i] = start + second(rng);
        amount[i] = std::round(sales(rng) * 100) / 100;
        const int drawn = country(rng);  // drawn either way: the other columns are the same in both logs
        const bool second_country = countries == Countries::few_in_two && id[i] % 200 == 0 && drawn % 2 == 1;
        const auto one = (id[i] + static_cast<std::int64_t>(second_country)) % 38;
        (*codes)[i] = static_cast<std::int8_t>(countries == Countries::random ? drawn : one);
    }
    std::sort(at.begin(), at.end());
    std::vector<std::string> names;
    for (int k = 0; k < 38; ++k) names.push_back("country " + std::to_string(k));
    auto held_at = std::make_shared<std::vector<std::int64_t>>(std::move(at));
    Table log;
    log.add("CustomerID", Column::integers(std::move(id)));
    log.add("InvoiceDate", Column::dates(std::span<const std::int64_t>(*held_at), TimeUnit::second, held_at));
    log.add("Sales", Column::numbers(std::move(amount)));
    log.add("Country", Column::texts(Codes(std::span<const std::int8_t>(*codes)), std::move(names), codes));
    return log;
}

/// A Book from one transaction log (`TransactionLog`: the accounts derived, each one's most frequent
/// country, the Book built), per line: issue 19's build, whose cost per line should not grow with the log. On
/// `threads` threads (0: one per core, the default); `countries`: how many countries a customer's lines name.
void from_transactions(benchmark::State& state, Countries countries) {
    const auto n = static_cast<std::size_t>(state.range(0));
    TransactionOptions options;
    options.columns = {"CustomerID", "InvoiceDate", "Sales", "", "Country"};
    options.build.threads = static_cast<unsigned>(state.range(1));
    const TransactionLog log(transaction_log(n, countries), options);
    std::size_t lines = 0, accounts = 0;
    for (auto _ : state) {
        const Book book = log.build();
        lines = book.revenue().size();
        accounts = book.accounts().size();
        benchmark::DoNotOptimize(book);
    }
    if (lines != n || accounts != std::max<std::size_t>(1, n / 124)) fail(state, "the built book differs");
    state.counters["ns_per_line"] =
        benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_FromTransactions(benchmark::State& state) {
    from_transactions(state, Countries::random);
}
void BM_FromTransactionsOneCountry(benchmark::State& state) {
    from_transactions(state, Countries::one);
}
void BM_FromTransactionsFewInTwo(benchmark::State& state) {
    from_transactions(state, Countries::few_in_two);
}

/// The demo's input split for appends: `base`, every table without the last 0.6% of the revenue lines;
/// `yesterday` and `today`, 0.3% each (a day's share of a year's lines; the demo bills on one day of the
/// month, so parts of that day).
struct Appending {
    std::vector<std::pair<std::string, Table>> base, yesterday, today;
};

Appending appending(std::int64_t accounts) {
    Appending out;
    for (auto& [name, table] : demo::tables(options_of(accounts))) {
        const Column* dates = name == "revenue" ? table.find("date") : nullptr;
        if (!dates) {
            out.base.emplace_back(name, std::move(table));
            continue;
        }
        // In date order (input order among equal dates): the last 0.6% and 0.3% of the lines.
        const auto& d = std::get<Column::Dates>(dates->data());
        std::vector<std::uint32_t> order(d.values.size());
        std::iota(order.begin(), order.end(), 0U);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t x, std::uint32_t y) { return d.values[x] < d.values[y]; });
        std::vector<std::uint8_t> part(order.size(), 0);
        for (std::size_t k = order.size() * 994 / 1000; k < order.size(); ++k)
            part[order[k]] = k < order.size() * 997 / 1000 ? 1 : 2;
        std::vector<std::uint32_t> rows[3];
        for (std::uint32_t i = 0; i < order.size(); ++i) rows[part[i]].push_back(i);
        out.base.emplace_back(name, table.take(rows[0]));
        out.yesterday.emplace_back(name, table.take(rows[1]));
        out.today.emplace_back(name, table.take(rows[2]));
    }
    return out;
}

BookBuilder builder_of(const std::vector<std::pair<std::string, Table>>& tables) {
    BookBuilder b;
    for (const auto& [name, table] : tables) b.add(name, table);
    return b;
}

/// Appending today's 0.3% of the lines to a Book (issue 20: at most 5% of `BM_Build` of the whole), timed
/// alone; the Book appended to is made untimed. A build leaves room after the revenue columns it owns, and
/// an append's copy of a column leaves room too (see `Array::appended`): an append writes its lines there
/// unless an earlier append to the same arrays took it, when it copies them.
enum class Before {
    built,     ///< a Book built afresh: the first append after a build
    appended,  ///< a Book built, then appended yesterday's lines
    shared,    ///< one Book built once, appended to again and again: from the second time on, the copy
};

void BM_Append(benchmark::State& state, Before before) {
    const Appending input = appending(state.range(0));
    const BookBuilder base_builder = builder_of(input.base);
    const Book base = base_builder.build();
    const BookBuilder yesterday = builder_of(input.yesterday), today = builder_of(input.today);
    std::size_t lines = 0;
    std::optional<Book> old, appended;  // freed untimed, before the next ones are made
    for (auto _ : state) {
        state.PauseTiming();
        appended.reset();
        old.reset();
        old.emplace(before == Before::built      ? base_builder.build()
                    : before == Before::appended ? yesterday.append_to(base)
                                                 : base);
        state.ResumeTiming();
        appended.emplace(today.append_to(*old));
        lines = appended->revenue().size() - old->revenue().size();
    }
    const Book book = today.append_to(yesterday.append_to(base));
    const Book& whole = book_of(state.range(0));
    if (book.revenue().date != whole.revenue().date || book.spells().end != whole.spells().end ||
        book.sightings().last_seen != whole.sightings().last_seen)
        fail(state, "the appended book differs from the whole built");
    state.counters["lines"] = static_cast<double>(lines);
    state.counters["fraction"] = static_cast<double>(lines) / static_cast<double>(whole.revenue().size());
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines));
}

/// Issue 20's recomputation after an append: the year's 12 months of `BM_Table`'s KPIs by `by` computed on
/// the Book of yesterday's append with a cache (`kpi::StateCache`, untimed), today's lines appended
/// (untimed), and the year computed again (timed): from the cache, every month but those that today's lines
/// change; without it (`cached` false), all of them. Checks the answers alike, bit for bit.
void BM_KpisCached(benchmark::State& state, Key by, bool cached) {
    const Appending input = appending(state.range(0));
    const Book before = builder_of(input.yesterday).append_to(builder_of(input.base).build());
    const Book book = builder_of(input.today).append_to(before);
    kpi::Request rq = table_request(by);
    kpi::Result r;
    std::uint64_t computed = 0;
    for (auto _ : state) {
        state.PauseTiming();
        rq.cache = cached ? std::make_shared<kpi::StateCache>(std::size_t{4} << 30) : nullptr;
        if (cached) (void)kpi::compute(before, rq);
        const std::uint64_t misses = cached ? rq.cache->hits_and_misses().second : 0;
        state.ResumeTiming();
        r = kpi::compute(book, rq);
        benchmark::DoNotOptimize(r);
        if (cached) computed = rq.cache->hits_and_misses().second - misses;
    }
    rq.cache = nullptr;
    const kpi::Result fresh = kpi::compute(book, rq);
    if (r.key_codes != fresh.key_codes)
        return fail(state, "the cached answer has other rows than the fresh one");
    for (std::size_t k = 0; k < r.values.size(); ++k) {
        for (std::size_t i = 0; i < r.rows(); ++i) {
            if (std::memcmp(&r.values[k][i], &fresh.values[k][i], sizeof(double)) != 0)
                return fail(state, "the cached answer differs from the fresh one");
        }
    }
    state.counters["months_computed"] = static_cast<double>(cached ? computed : rq.periods.size());
    state.counters["rows"] = static_cast<double>(r.rows());
}

void sizes(benchmark::internal::Benchmark* b) {
    b->ArgName("accounts")->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Table, by_manager, Key::manager)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Table, by_team, Key::team)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Table, by_account, Key::account)->Apply(sizes);
BENCHMARK_CAPTURE(BM_Table, by_account_period_at_a_time, Key::account, false, Cells::period_at_a_time)
    ->Apply(sizes);
BENCHMARK_CAPTURE(BM_Table, threads_by_manager, Key::manager, true)
    ->ArgNames({"accounts", "threads"})
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Table, threads_by_account, Key::account, true)
    ->ArgNames({"accounts", "threads"})
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RevenueByMonth)->Apply(sizes);
BENCHMARK(BM_OneKpiOneQuarter)->Apply(sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SumColumn)->Apply(sizes);
BENCHMARK(BM_SumsByRegion)->Apply(sizes);
BENCHMARK(BM_SumsByRegionUnequalPeriods)->Apply(sizes);
// Up to 10^5 accounts: the plain loop's map of 3.2 x 10^7 cells by project at 10^6 would not fit the check.
BENCHMARK(BM_SumsByAccount)->ArgName("accounts")->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SumsByProject)->ArgName("accounts")->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SumsByManager)->Apply(sizes);
BENCHMARK(BM_SumTouchedColumns)->Apply(sizes);
BENCHMARK(BM_Concentration)->Apply(sizes);
BENCHMARK(BM_Build)->Apply(sizes);
// 240,000 accounts: about 5 x 10^6 revenue lines (issue 20's append of a day to a year).
BENCHMARK(BM_Build)->ArgName("accounts")->Arg(240'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FromTransactions)
    ->ArgNames({"lines", "threads"})
    ->ArgsProduct({{100'000, 1'000'000, 10'000'000, 20'000'000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK(BM_FromTransactionsOneCountry)
    ->ArgNames({"lines", "threads"})
    ->ArgsProduct({{1'000'000, 10'000'000, 20'000'000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK(BM_FromTransactionsFewInTwo)
    ->ArgNames({"lines", "threads"})
    ->ArgsProduct({{1'000'000, 10'000'000, 20'000'000}, {0}})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_Append, after_append, Before::appended)
    ->ArgName("accounts")
    ->Arg(10'000)
    ->Arg(240'000)
    ->Unit(benchmark::kMillisecond);
// A build a time (about a second at 240,000 accounts, untimed): a few iterations.
BENCHMARK_CAPTURE(BM_Append, after_build, Before::built)
    ->ArgName("accounts")
    ->Arg(10'000)
    ->Arg(240'000)
    ->Iterations(8)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Append, again_to_one_build, Before::shared)
    ->ArgName("accounts")
    ->Arg(10'000)
    ->Arg(240'000)
    ->Unit(benchmark::kMillisecond);

// A year of months recomputed after a day appended (issue 20's cache), 240,000 accounts.
BENCHMARK_CAPTURE(BM_KpisCached, by_manager, Key::manager, true)->Arg(240'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_KpisCached, by_manager_uncached, Key::manager, false)
    ->Arg(240'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_KpisCached, by_account, Key::account, true)->Arg(240'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_KpisCached, by_account_uncached, Key::account, false)
    ->Arg(240'000)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
