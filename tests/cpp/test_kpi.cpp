#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

const Period q1 = Period::quarter(2024, 1);

// S = {A, B} (clients on 2023-12-31), B churns on 2024-02-01, C is new in Q1, D comes back in Q1.
Book retention_book() {
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C", "D", "D"}));
    accounts.add("acquired_on", days({"2023-01-01", "2023-01-01", "2024-01-15", "2022-01-01", "2024-03-01"}));
    accounts.add("churned_on", days({"", "2024-02-01", "", "2022-06-01", ""}));
    Table revenue;
    revenue.add("account_id", texts({"A", "B", "A", "C"}));
    revenue.add("date", days({"2023-11-01", "2023-12-01", "2024-02-01", "2024-02-01"}));
    revenue.add("amount", numbers({100.0, 50.0, 130.0, 70.0}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("revenue", std::move(revenue));
    return b.build();
}

}  // namespace

TEST(Kpi, NamesRoundTrip) {
    for (kpi::Kpi k : kpi::all_kpis) EXPECT_EQ(kpi::parse_kpi(kpi::name(k)), k);
    EXPECT_FALSE(kpi::parse_kpi("revenues"));
    EXPECT_TRUE(kpi::higher_is_better(kpi::Kpi::retention_rate));
    EXPECT_FALSE(kpi::higher_is_better(kpi::Kpi::churn_rate));
    EXPECT_EQ(kpi::parse_key("volume_band"), kpi::Key::volume_band);
    EXPECT_THROW((void)kpi::parse_key("country"), std::invalid_argument);
}

TEST(Kpi, RetentionChurnAndReactivationByHand) {
    const Book book = retention_book();
    EXPECT_DOUBLE_EQ(kpi::clients_start(book, q1), 2);     // A, B
    EXPECT_DOUBLE_EQ(kpi::clients_end(book, q1), 3);       // A, C, D
    EXPECT_DOUBLE_EQ(kpi::new_clients(book, q1), 1);       // C
    EXPECT_DOUBLE_EQ(kpi::reactivations(book, q1), 1);     // D
    EXPECT_DOUBLE_EQ(kpi::retention_rate(book, q1), 0.5);  // |{A}| / |{A, B}|
    EXPECT_DOUBLE_EQ(kpi::churn_rate(book, q1), 0.5);      // |{B}| / 2
    kpi::Options textbook;
    textbook.retention = kpi::Options::Retention::textbook;
    EXPECT_DOUBLE_EQ(kpi::retention_rate(book, q1, {}, textbook), (3.0 - 1.0) / 2.0);
    // NRR over Q4 2023: cohort {A: 100, B: 50}; Q1: A 130, B 0 -> 130 / 150.
    EXPECT_DOUBLE_EQ(kpi::nrr(book, q1), 130.0 / 150.0);
    EXPECT_DOUBLE_EQ(kpi::grr(book, q1), 100.0 / 150.0);
    EXPECT_DOUBLE_EQ(kpi::expansion_revenue(book, q1), 30.0);
    EXPECT_DOUBLE_EQ(kpi::churned_revenue(book, q1), 50.0);
    EXPECT_TRUE(std::isnan(kpi::retention_rate(book, Period::year(2021))));  // nobody at the start
    EXPECT_DOUBLE_EQ(kpi::clients_start(book, Period::year(2021)), 0.0);
}

TEST(Kpi, BasePeriods) {
    using NB = kpi::Options::NrrBase;
    EXPECT_EQ(kpi::base_period(Period::quarter(2024, 1), NB::previous),
              Period(Date(2023, 10, 1), Date(2024, 1, 1)));
    EXPECT_EQ(kpi::base_period(Period::month(2024, 3), NB::previous), Period::month(2024, 2));
    EXPECT_EQ(kpi::base_period(Period(Date(2024, 1, 10), Date(2024, 1, 20)), NB::previous),
              Period(Date(2023, 12, 31), Date(2024, 1, 10)));
    EXPECT_EQ(kpi::base_period(Period::quarter(2024, 1), NB::year_ago), Period::quarter(2023, 1));
    EXPECT_EQ(kpi::base_period(Period(Date(2024, 2, 29), Date(2024, 3, 10)), NB::year_ago),
              Period(Date(2023, 2, 28), Date(2023, 3, 10)));
}

TEST(Concentration, ByHand) {
    const std::vector<double> v{10, 50, 10, 20, 10, 0, -5};  // positives: 50, 20, 10, 10, 10
    EXPECT_DOUBLE_EQ(kpi::top_share(v, 0.2), 0.5);
    EXPECT_DOUBLE_EQ(kpi::pareto_ratio(v), 0.6);
    EXPECT_NEAR(kpi::gini(v), 180.0 / 500.0, 1e-15);
    EXPECT_NEAR(kpi::hhi(v), 0.32, 1e-15);
    EXPECT_DOUBLE_EQ(kpi::largest_share(v), 0.5);
    EXPECT_DOUBLE_EQ(kpi::top_share(std::vector<double>(10, 1.0), 0.7), 0.7);  // ceil(0.7 × 10) = 7, not 8
    EXPECT_TRUE(std::isnan(kpi::gini(std::vector<double>{})));
    EXPECT_DOUBLE_EQ(kpi::gini(std::vector<double>(5, 3.0)), 0.0);
    EXPECT_THROW((void)kpi::gini(std::vector<double>{1.0, NAN}), std::invalid_argument);
    const auto curve = kpi::lorenz(std::vector<double>{1, 3});
    EXPECT_EQ(curve.population, (std::vector<double>{0, 0.5, 1}));
    EXPECT_EQ(curve.revenue, (std::vector<double>{0, 0.25, 1}));
}

TEST(Kpi, ChurnCompounding) {
    EXPECT_NEAR(kpi::compound_churn(0.02, 12), 1 - std::pow(0.98, 12), 1e-15);
    EXPECT_NEAR(kpi::periodic_churn(kpi::compound_churn(0.05, 12), 12), 0.05, 1e-15);
}

TEST(Engine, MergingDisjointScopesEqualsTheWhole) {
    demo::Options o;
    o.accounts = 80;
    const Book book = demo::book(o);
    kpi::Request rq;
    rq.periods = periods(Date(2024, 1, 1), Date(2025, 1, 1), Frequency::quarter);
    rq.by = {kpi::Key::manager, kpi::Key::region};
    kpi::Request even = rq, odd = rq;
    for (std::int32_t a = 0; a < static_cast<std::int32_t>(book.accounts().size()); ++a) {
        (a % 2 ? odd : even).scope.accounts.push_back(a);
    }
    kpi::State state = kpi::accumulate(book, even);
    state.merge(kpi::accumulate(book, odd));
    const kpi::Result merged = kpi::finalize(book, rq, state);
    const kpi::Result whole = kpi::compute(book, rq);
    ASSERT_EQ(merged.rows(), whole.rows());
    EXPECT_EQ(merged.key_codes, whole.key_codes);
    for (std::size_t k = 0; k < whole.kpis.size(); ++k) {
        for (std::size_t r = 0; r < whole.rows(); ++r) {
            const double a = merged.values[k][r], b = whole.values[k][r];
            if (std::isnan(b)) {
                EXPECT_TRUE(std::isnan(a)) << kpi::name(whole.kpis[k]);
            } else {
                EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::abs(b))) << kpi::name(whole.kpis[k]);
            }
        }
    }
}

TEST(Engine, RejectsBadRequests) {
    const Book book = retention_book();
    kpi::Request rq;
    EXPECT_THROW((void)kpi::compute(book, rq), std::invalid_argument);  // no period
    rq.periods = {q1};
    rq.by = {kpi::Key::region, kpi::Key::region};
    EXPECT_THROW((void)kpi::compute(book, rq), std::invalid_argument);
    rq.by = {};
    rq.options.top_p = 0;
    EXPECT_THROW((void)kpi::compute(book, rq), std::invalid_argument);
    rq.options = {};
    rq.scope.accounts = {99};
    EXPECT_THROW((void)kpi::compute(book, rq), std::out_of_range);
}

TEST(Engine, GroupsByAccountAndAddsUp) {
    const Book book = retention_book();
    kpi::Request rq;
    rq.periods = {Period::year(2023), q1};
    rq.by = {kpi::Key::account};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::active_clients};
    const auto r = kpi::compute(book, rq);
    double revenue_q1 = 0;
    for (std::size_t i = 0; i < r.rows(); ++i) {
        if (r.period[i] == 1) revenue_q1 += r.column(kpi::Kpi::revenue)[i];
    }
    EXPECT_DOUBLE_EQ(revenue_q1, 200.0);
    EXPECT_THROW((void)r.column(kpi::Kpi::nrr), std::out_of_range);
}

TEST(Engine, AccountValuesAreAveragedOverActiveClients) {
    const Book book = retention_book();  // accounts A, B, C, D (D has two spells)
    kpi::Request rq;
    rq.periods = {q1, Period::quarter(2024, 2)};
    rq.kpis = {kpi::Kpi::ltv_predicted};
    // Q1: active A, B (until 02-01), C (from 01-15), D (back on 03-01); Q2: A, C, D. B's Q2 value is NaN
    // anyway.
    rq.account_values = {10, 20,           30, std::nan(""),  // Q1: D unknown -> left out
                         1,  std::nan(""), 3,  5};            // Q2
    const auto r = kpi::compute(book, rq);
    EXPECT_DOUBLE_EQ(r.values[0][0], (10.0 + 20.0 + 30.0) / 3);
    EXPECT_DOUBLE_EQ(r.values[0][1], (1.0 + 3.0 + 5.0) / 3);
    rq.account_values.pop_back();
    EXPECT_THROW((void)kpi::compute(book, rq), std::invalid_argument);  // one value per period and account
    rq.account_values.clear();
    EXPECT_TRUE(std::isnan(kpi::compute(book, rq).values[0][0]));  // no values: undefined
}
