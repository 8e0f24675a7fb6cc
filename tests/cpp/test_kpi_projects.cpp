// Project KPIs (backlog, value-weighted renewal rate) against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/kpi.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

const Period q1 = Period::quarter(2024, 1), q2 = Period::quarter(2024, 2);

// One account; projects of every billing kind (see the comments of the tests for what each one does).
Book projects_book() {
    Table accounts;
    accounts.add("account_id", texts({"A"}));
    accounts.add("acquired_on", days({"2023-01-01"}));
    Table projects;
    projects.add("project_id", texts({"P1", "P2", "P3", "P4", "P5", "P6", "P7"}));
    projects.add("account_id", texts({"A", "A", "A", "A", "A", "A", "A"}));
    projects.add("service_line", texts({"Cloud", "Data", "Cloud", "Data", "Cloud", "Cloud", "Data"}));
    projects.add("kind", texts({"new", "upsell", "upsell", "cross_sell", "new", "new", "renewal"}));
    projects.add("billing", texts({"fixed", "hour", "month", "fixed", "fixed", "day", "fixed"}));
    projects.add("signed_on", days({"2023-12-01", "2024-01-05", "2024-02-01", "2024-04-02", "2023-06-01",
                                    "2023-01-01", "2024-03-20"}));
    projects.add("end", days({"2024-06-30", "", "2025-01-31", "", "2024-03-15", "2024-03-31", ""}));
    projects.add("value", numbers({1000, 200, 1200, 500, 400, 300, 420}));
    Table revenue;
    revenue.add("account_id", texts({"A", "A", "A", "A", "A", "A"}));
    revenue.add("project_id", texts({"P1", "P1", "P2", "P3", "P5", "P1"}));
    revenue.add("date",
                days({"2024-01-10", "2024-03-15", "2024-02-01", "2024-03-01", "2024-01-05", "2024-04-10"}));
    revenue.add("amount", numbers({100, 200, 250, 100, 100, 500}));
    BookBuilder b;
    b.add("accounts", std::move(accounts));
    b.add("projects", std::move(projects));
    b.add("revenue", std::move(revenue));
    return b.build();
}

}  // namespace

TEST(Projects, BacklogByHand) {
    const Book book = projects_book();
    // End of 2024Q1: P1 fixed 1000 - 300 billed = 700; P2 (hours) 200 - 250 = -50: never below 0, 0; P3
    // (months) 1200 - 100 = 1100; P4 signed after Q1; P5 and P6 finished in Q1 (P6 on its last day); P7
    // signed in Q1, nothing billed: 420. 700 + 1100 + 420 = 2220.
    EXPECT_DOUBLE_EQ(kpi::backlog(book, q1), 2220);
    // End of 2024Q2: P1 finished on 2024-06-30 (its last 500 billed in April); P3 1100; P4 500; P7 420.
    EXPECT_DOUBLE_EQ(kpi::backlog(book, q2), 1100 + 500 + 420);
    EXPECT_DOUBLE_EQ(kpi::backlog(book, Period::year(2022)), 0);  // nothing signed yet: 0, not NaN

    kpi::Request rq;
    rq.periods = {q1, q2};
    rq.by = {kpi::Key::service_line};
    rq.kpis = {kpi::Kpi::backlog};
    const kpi::Result r = kpi::compute(book, rq);
    const auto& lines = book.projects().service_lines.names;
    double cloud_q1 = NAN, data_q1 = NAN, data_q2 = NAN;
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const std::string line = lines[static_cast<std::size_t>(r.key_codes[0][i])];
        const double v = r.values[0][i];
        if (line == "Cloud" && r.period[i] == 0) cloud_q1 = v;
        if (line == "Data" && r.period[i] == 0) data_q1 = v;
        if (line == "Data" && r.period[i] == 1) data_q2 = v;
    }
    EXPECT_DOUBLE_EQ(cloud_q1, 700 + 1100);  // P1, P3
    EXPECT_DOUBLE_EQ(data_q1, 420);          // P7 (P2 is fully billed)
    EXPECT_DOUBLE_EQ(data_q2, 500 + 420);    // P4, P7
}

TEST(Projects, RenewalRateByCountOrByValue) {
    const Book book = projects_book();
    // Due in 2024Q1: P5 (400, ends 03-15) and P6 (300, ends 03-31); renewed: P7 (420, kind renewal).
    EXPECT_DOUBLE_EQ(kpi::renewal_rate(book, q1), 1.0 / 2.0);
    kpi::Options by_value;
    by_value.renewal = kpi::Options::RenewalWeight::value;
    EXPECT_DOUBLE_EQ(kpi::renewal_rate(book, q1, {}, by_value), 420.0 / 700.0);
    EXPECT_TRUE(std::isnan(kpi::renewal_rate(book, Period::year(2022), {}, by_value)));  // nothing due
}

TEST(Projects, ByProject) {
    const Book book = projects_book();
    kpi::Request rq;
    rq.periods = {q1};
    rq.by = {kpi::Key::project};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::backlog, kpi::Kpi::deals, kpi::Kpi::active_clients};
    const kpi::Result r = kpi::compute(book, rq);
    std::map<std::string, std::size_t> row;
    for (std::size_t i = 0; i < r.rows(); ++i)
        row[kpi::key_label(book, kpi::Key::project, r.key_codes[0][i])] = i;
    const auto at = [&](const char* project, kpi::Kpi k) { return r.column(k)[row.at(project)]; };
    // Revenue in Q1: P1 100 + 200, P2 250, P3 100, P5 100; backlog as in BacklogByHand, per project.
    EXPECT_DOUBLE_EQ(at("P1", kpi::Kpi::revenue), 300);
    EXPECT_DOUBLE_EQ(at("P1", kpi::Kpi::backlog), 700);
    EXPECT_DOUBLE_EQ(at("P2", kpi::Kpi::revenue), 250);
    EXPECT_DOUBLE_EQ(at("P2", kpi::Kpi::backlog), 0);  // billed beyond its value
    EXPECT_DOUBLE_EQ(at("P3", kpi::Kpi::backlog), 1100);
    EXPECT_DOUBLE_EQ(at("P7", kpi::Kpi::backlog), 420);
    EXPECT_DOUBLE_EQ(at("P7", kpi::Kpi::deals), 1);  // signed in Q1, as P2 and P3
    EXPECT_DOUBLE_EQ(at("P2", kpi::Kpi::deals) + at("P3", kpi::Kpi::deals), 2);
    EXPECT_DOUBLE_EQ(at("P5", kpi::Kpi::deals), 0);               // signed in 2023
    EXPECT_TRUE(std::isnan(at("P1", kpi::Kpi::active_clients)));  // per account: undefined by project
    EXPECT_EQ(row.count("P4"), 0U);                               // nothing of P4 happens in Q1
    EXPECT_EQ(kpi::parse_key("project"), kpi::Key::project);
    EXPECT_THROW((void)kpi::revenue_bridge(book, {q1}, {kpi::Key::project}), std::invalid_argument);
}

TEST(Projects, MonthlyRecurringRevenueOfRetainers) {
    const Book book = projects_book();
    // P3 is billed by the month: 1200 from 2024-02-01 (signed, no start) to 2025-01-31, 366 days = 12.02
    // months of 30.44 days -> 12 whole months: 100 a month. The others are fixed, hour- or day-billed.
    EXPECT_DOUBLE_EQ(kpi::mrr(book, q1), 100);
    EXPECT_DOUBLE_EQ(kpi::arr(book, q1), 1200);
    EXPECT_DOUBLE_EQ(kpi::mrr(book, Period::quarter(2024, 4)), 100);
    EXPECT_DOUBLE_EQ(kpi::mrr(book, Period::quarter(2025, 1)), 0);  // ended on 2025-01-31
    EXPECT_DOUBLE_EQ(kpi::mrr(book, Period::quarter(2023, 4)), 0);  // not signed yet
    EXPECT_DOUBLE_EQ(kpi::mrr(book, Period::month(2024, 1)), 0);    // signed on 2024-02-01
}
