#pragma once
// A hand-made book for the tiers tests: three farmers (one per tier), a closer, five accounts, 2024.
//
//   account  owner (assignments)             spell                    revenue (amount / cost)
//   A        F1 single_client from 2023      2023-01-01 ..            Q1 1000/600; Q2 1200/700 + 300/200
//   B        F2 client_portfolio from 2023   2023-01-01 ..            Q1 2000/1000; Q2 1000/800
//   C        F2                              2023-01-01 .. 2024-06-15 Q1 1000/500; Q2 2000/2500 (a loss)
//   D        F3 revenue_portfolio from 2023  2023-01-01 ..            Q2 10000/6000
//   E        C1 closer 2024-05-01..08-01,    2024-05-01 ..            Q2 500/100
//            then F3
// A also has 3 NPS answers in Q2 (10, 9, 5), 3 requests (1 day, 8 days, unanswered), 6 emails and one project
// signed 2024-04-05 worth 5000. Targets: F1 revenue 7320 and nps 40 for 2024, F2 retention_rate 0.9 for 2024,
// F3 revenue 36600 for 2024 and 73000 for 2025.

#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "book_fixture.hpp"

namespace fixture {

struct TiersBook {
    bool overlapping_target = false;  ///< add a second F3 revenue row overlapping 2024
    bool unknown_kpi_target = false;  ///< add a target for a KPI that does not exist
    /// A's revenue lines by project: its Q1 line in P0 (signed 2023-12-01, worth 1000), its Q2 lines in P1
    bool project_lines = false;
};

inline accountkpi::Book tiers_book(TiersBook o = {}) {
    using accountkpi::BookBuilder;
    BookBuilder b;
    Table accounts;
    accounts.add("account_id", texts({"A", "B", "C", "D", "E"}));
    accounts.add("region", texts({"EMEA", "EMEA", "APAC", "APAC", "EMEA"}));
    accounts.add("acquired_on", days({"2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2024-05-01"}));
    accounts.add("churned_on", days({"", "", "2024-06-15", "", ""}));
    b.add("accounts", std::move(accounts));

    Table managers;
    managers.add("manager_id", texts({"F1", "F2", "F3", "C1"}));
    managers.add("role", texts({"farmer", "farmer", "farmer", "closer"}));
    managers.add("tier", texts({"single_client", "client_portfolio", "revenue_portfolio", ""}));
    b.add("managers", std::move(managers));

    Table assignments;
    assignments.add("manager_id", texts({"F1", "F2", "F2", "F3", "C1", "F3"}));
    assignments.add("account_id", texts({"A", "B", "C", "D", "E", "E"}));
    assignments.add(
        "start", days({"2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2024-05-01", "2024-08-01"}));
    assignments.add("end", days({"", "", "", "", "2024-08-01", ""}));
    b.add("assignments", std::move(assignments));

    Table projects;
    if (o.project_lines) {
        projects.add("project_id", texts({"P0", "P1"}));
        projects.add("account_id", texts({"A", "A"}));
        projects.add("signed_on", days({"2023-12-01", "2024-04-05"}));
        projects.add("value", numbers({1000, 5000}));
    } else {
        projects.add("project_id", texts({"P1"}));
        projects.add("account_id", texts({"A"}));
        projects.add("signed_on", days({"2024-04-05"}));
        projects.add("value", numbers({5000}));
    }
    b.add("projects", std::move(projects));

    Table revenue;
    revenue.add("account_id", texts({"A", "A", "A", "B", "B", "C", "C", "D", "E"}));
    revenue.add("date", days({"2024-01-15", "2024-04-10", "2024-05-10", "2024-02-01", "2024-04-15",
                              "2024-03-01", "2024-06-01", "2024-05-01", "2024-05-20"}));
    revenue.add("amount", numbers({1000, 1200, 300, 2000, 1000, 1000, 2000, 10000, 500}));
    revenue.add("cost", numbers({600, 700, 200, 1000, 800, 500, 2500, 6000, 100}));
    if (o.project_lines) revenue.add("project_id", texts({"P0", "P1", "P1", "", "", "", "", "", ""}));
    b.add("revenue", std::move(revenue));

    Table surveys;
    surveys.add("account_id", texts({"A", "A", "A"}));
    surveys.add("date", days({"2024-05-01", "2024-05-02", "2024-05-03"}));
    surveys.add("kind", texts({"nps", "nps", "nps"}));
    surveys.add("score", numbers({10, 9, 5}));
    b.add("surveys", std::move(surveys));

    Table requests;
    requests.add("account_id", texts({"A", "A", "A"}));
    requests.add("received_on", days({"2024-04-02", "2024-05-02", "2024-06-20"}));
    requests.add("responded_on", days({"2024-04-03", "2024-05-10", ""}));
    b.add("requests", std::move(requests));

    Table interactions;
    interactions.add("account_id", texts({"A", "A", "A", "A", "A", "A"}));
    interactions.add(
        "date", days({"2024-04-01", "2024-04-15", "2024-05-01", "2024-05-15", "2024-06-01", "2024-06-15"}));
    interactions.add("channel", texts({"email", "email", "email", "email", "email", "email"}));
    b.add("interactions", std::move(interactions));

    std::vector<std::string> tm{"F1", "F1", "F2", "F3", "F3"},
        tk{"revenue", "nps", "retention_rate", "revenue", "revenue"},
        tb{"2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", "2025-01-01"},
        te{"2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01", "2026-01-01"};
    std::vector<double> tv{7320, 40, 0.9, 36600, 73000};
    if (o.overlapping_target) {
        tm.emplace_back("F3"), tk.emplace_back("revenue"), tb.emplace_back("2024-06-01"),
            te.emplace_back("2024-09-01"), tv.push_back(1);
    }
    if (o.unknown_kpi_target) {
        tm.emplace_back("F1"), tk.emplace_back("happiness"), tb.emplace_back("2024-01-01"),
            te.emplace_back("2025-01-01"), tv.push_back(1);
    }
    Table targets;
    targets.add("manager_id", texts(tm));
    targets.add("kpi", texts(tk));
    targets.add("begin", days(tb));
    targets.add("end", days(te));
    targets.add("target", numbers(tv));
    b.add("targets", std::move(targets));
    return b.build();
}

}  // namespace fixture
