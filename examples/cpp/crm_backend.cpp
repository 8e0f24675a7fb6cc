// A CRM back end's own data, as typed rows: a KPI table by manager labelled with the CRM's ids, a farmer's
// scorecard by id, and each account's RFM summary. No index-to-id code: results carry their labels.
//
//   account  region  owner  revenue (amount / cost)                                      client
//   A1       EMEA    F1     Jan 1000/600, Feb 1000/600, Apr 1500/800, May 1500/800        all year
//   A2       EMEA    F1     Jan 800/500, Feb 800/500, Apr 400/300                         until 2024-05-10
//   A3       APAC    F2     Mar 2000/1500, Jun 2500/1700                                  all year
#include <accountkpi/accountkpi.hpp>
#include <accountkpi/format.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

int main() {
    using namespace accountkpi;
    using namespace std::chrono;
    RowBuilder rows;
    rows.add(rows::Manager{.manager_id = "F1", .role = Role::farmer, .tier = Tier::client_portfolio})
        .add(rows::Manager{.manager_id = "F2", .role = Role::farmer, .tier = Tier::single_client});
    rows.add(rows::Account{.account_id = "A1", .region = "EMEA", .acquired_on = 2024y / 1 / 1})
        .add(rows::Account{
            .account_id = "A2", .region = "EMEA", .acquired_on = 2024y / 1 / 1, .churned_on = 2024y / 5 / 10})
        .add(rows::Account{.account_id = "A3", .region = "APAC", .acquired_on = 2024y / 1 / 1});
    for (const char* account : {"A1", "A2"})
        rows.add(rows::Assignment{.manager_id = "F1", .account_id = account, .start = 2024y / 1 / 1});
    rows.add(rows::Assignment{.manager_id = "F2", .account_id = "A3", .start = 2024y / 1 / 1});
    const std::vector<rows::Revenue> revenue{
        {.account_id = "A1", .date = 2024y / 1 / 15, .amount = 1000, .cost = 600},
        {.account_id = "A1", .date = 2024y / 2 / 15, .amount = 1000, .cost = 600},
        {.account_id = "A1", .date = 2024y / 4 / 15, .amount = 1500, .cost = 800},
        {.account_id = "A1", .date = 2024y / 5 / 15, .amount = 1500, .cost = 800},
        {.account_id = "A2", .date = 2024y / 1 / 20, .amount = 800, .cost = 500},
        {.account_id = "A2", .date = 2024y / 2 / 20, .amount = 800, .cost = 500},
        {.account_id = "A2", .date = 2024y / 4 / 20, .amount = 400, .cost = 300},
        {.account_id = "A3", .date = 2024y / 3 / 1, .amount = 2000, .cost = 1500},
        {.account_id = "A3", .date = 2024y / 6 / 1, .amount = 2500, .cost = 1700},
    };
    rows.add(revenue);               // a batch
    const Book book = rows.build();  // ValidationError listing every problem, if any

    // 2024Q2 by manager. F1: revenue 1500 + 1500 + 400 = 3400, margin (3400 - 1900) / 3400 = 0.441, A2 left:
    // retention 1/2. F2: 2500, margin 800 / 2500 = 0.320, retention 1.
    kpi::Request rq;
    rq.periods = {Period::quarter(2024, 2)};
    rq.by = {kpi::Key::manager};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::retention_rate, kpi::Kpi::gross_margin};
    const kpi::Result result = kpi::compute(book, rq);
    std::printf("%-8s %-7s %10s %10s %8s\n", "period", "manager", "revenue", "retention", "margin");
    for (const kpi::LabelledRow row : kpi::LabelledResult(book, rq, result)) {
        std::printf("%-8s %-7s %10.2f %10.3f %8.3f\n", row.period().label().c_str(), row.label(0).c_str(),
                    row.value(kpi::Kpi::revenue), row.value(kpi::Kpi::retention_rate),
                    row.value(kpi::Kpi::gross_margin));
    }

    // F1's client-portfolio scorecard, by the CRM's id.
    const tiers::Scorecard card = tiers::ClientPortfolio(book, "F1").evaluate(book, Period::quarter(2024, 2));
    std::cout << tiers::labelled(book, card) << '\n';

    // RFM in months up to 2024-06-30. A1 bought in Jan, Feb, Apr, May: 3 repeat months, recency 4, T 5,
    // repeat value (1000 + 1500 + 1500) / 3 = 1333.33.
    const ltv::RfmSummary rfm = ltv::rfm(book, Date(2024, 6, 30), ltv::RfmUnit::month);
    for (std::size_t i = 0; i < rfm.size(); ++i) {
        const ltv::CustomerRfm c = rfm[i];
        std::printf("%s: frequency %.0f, recency %.0f, T %.0f, monetary value %.2f\n",
                    book.accounts().ids.label(rfm.account[i]).c_str(), c.frequency, c.recency, c.T,
                    c.monetary_value);
    }
}
