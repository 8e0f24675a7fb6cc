// The organisation: reporting lines, units and account groups, their validation, and the KPIs rolled up
// their trees (by team, unit and account group), checked against figures worked out by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/book/rows.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;
using std::chrono::operator""y;

namespace {

const Period q1 = Period::quarter(2024, 1);  // base period for NRR: 2023Q4

// Reporting lines: O (the owner) <- H (head of accounting) <- F1, F2 (farmers); O <- C (closer).
// Units: S (sales department: C), AM (account management: H, F1) with its sub-unit AM2 (F2), CU (a client
// unit for A4, reporting to the owner: O).
// Accounts, all clients since 2023-01-01; revenue in 2023Q4 (the base) and in 2024Q1:
//   A1  F1            base  80  Q1 100 (cost 40)
//   A2  F2            base 100  Q1  50
//   A3  C             base  60  Q1  20, churned on 2024-02-15
//   A4  O             base 200  Q1 300
//   A5  F1 until 2024-02-01, then C (it moves between teams mid-period)
//                     base  40  Q1 10 on 2024-01-15 (F1's) + 30 on 2024-03-01 (C's)
RowBuilder org_rows() {
    RowBuilder b;
    b.add(rows::Manager{.manager_id = "O", .role = Role::head, .unit_id = "CU"});
    b.add(rows::Manager{.manager_id = "H", .role = Role::head, .reports_to = "O", .unit_id = "AM"});
    b.add(rows::Manager{.manager_id = "F1", .role = Role::farmer, .reports_to = "H", .unit_id = "AM"});
    b.add(rows::Manager{.manager_id = "F2", .role = Role::farmer, .reports_to = "H", .unit_id = "AM2"});
    b.add(rows::Manager{.manager_id = "C", .role = Role::closer, .reports_to = "O", .unit_id = "S"});
    b.add(rows::Unit{.unit_id = "S", .kind = UnitKind::sales_department, .head_id = "O"});
    b.add(rows::Unit{.unit_id = "AM", .kind = UnitKind::account_management, .head_id = "H"});
    b.add(rows::Unit{.unit_id = "AM2", .kind = UnitKind::account_management, .parent_id = "AM"});
    b.add(rows::Unit{.unit_id = "CU", .kind = UnitKind::client_unit, .head_id = "O", .account_id = "A4"});
    for (const char* a : {"A1", "A2", "A4", "A5"})
        b.add(rows::Account{.account_id = a, .acquired_on = 2023y / 1 / 1});
    b.add(rows::Account{.account_id = "A3", .acquired_on = 2023y / 1 / 1, .churned_on = 2024y / 2 / 15});
    b.add(rows::Assignment{.manager_id = "F1", .account_id = "A1", .start = 2023y / 1 / 1});
    b.add(rows::Assignment{.manager_id = "F2", .account_id = "A2", .start = 2023y / 1 / 1});
    b.add(rows::Assignment{.manager_id = "C", .account_id = "A3", .start = 2023y / 1 / 1});
    b.add(rows::Assignment{.manager_id = "O", .account_id = "A4", .start = 2023y / 1 / 1});
    b.add(rows::Assignment{
        .manager_id = "F1", .account_id = "A5", .start = 2023y / 1 / 1, .end = 2024y / 2 / 1});
    b.add(rows::Assignment{.manager_id = "C", .account_id = "A5", .start = 2024y / 2 / 1});
    b.add(std::vector<rows::Revenue>{
        {.account_id = "A1", .date = 2023y / 11 / 1, .amount = 80},
        {.account_id = "A2", .date = 2023y / 11 / 1, .amount = 100},
        {.account_id = "A3", .date = 2023y / 11 / 1, .amount = 60},
        {.account_id = "A4", .date = 2023y / 11 / 1, .amount = 200},
        {.account_id = "A5", .date = 2023y / 11 / 1, .amount = 40},
        {.account_id = "A1", .date = 2024y / 1 / 10, .amount = 100, .cost = 40},
        {.account_id = "A2", .date = 2024y / 2 / 10, .amount = 50},
        {.account_id = "A3", .date = 2024y / 1 / 20, .amount = 20},
        {.account_id = "A4", .date = 2024y / 1 / 5, .amount = 300},
        {.account_id = "A5", .date = 2024y / 1 / 15, .amount = 10},
        {.account_id = "A5", .date = 2024y / 3 / 1, .amount = 30},
    });
    return b;
}

const std::vector<kpi::Kpi> figures{kpi::Kpi::revenue,       kpi::Kpi::gross_margin,
                                    kpi::Kpi::clients_start, kpi::Kpi::churned_clients,
                                    kpi::Kpi::churn_rate,    kpi::Kpi::nrr};

/// The row of group `label` (by the request's one key) in period 0: KPI -> value.
struct Rows {
    const Book& book;
    kpi::Result result;
    [[nodiscard]] double at(const std::string& label, kpi::Kpi k) const {
        for (std::size_t r = 0; r < result.rows(); ++r) {
            if (kpi::key_label(book, result.by[0], result.key_codes[0][r]) == label)
                return result.column(k)[r];
        }
        ADD_FAILURE() << "no row " << label;
        return std::nan("");
    }
    [[nodiscard]] std::vector<std::string> labels() const {
        std::vector<std::string> out;
        for (std::size_t r = 0; r < result.rows(); ++r)
            out.push_back(kpi::key_label(book, result.by[0], result.key_codes[0][r]));
        return out;
    }
};

Rows by(const Book& book, kpi::Key key, kpi::Scope scope = {}) {
    kpi::Request rq;
    rq.periods = {q1};
    rq.by = {key};
    rq.kpis = figures;
    rq.scope = std::move(scope);
    return {book, kpi::compute(book, rq)};
}

std::vector<Problem> problems_of(const RowBuilder& b) {
    try {
        (void)b.build();
    } catch (const ValidationError& e) {
        return e.problems();
    }
    return {};
}

}  // namespace

TEST(Org, TheTablesAreRead) {
    const Book book = org_rows().build();
    const auto& m = book.managers();
    const auto index = [&](const char* id) { return *m.ids.find(std::string_view(id)); };
    EXPECT_EQ(m.reports_to[static_cast<std::size_t>(index("F1"))], index("H"));
    EXPECT_EQ(m.reports_to[static_cast<std::size_t>(index("O"))], none);
    EXPECT_EQ(m.role[static_cast<std::size_t>(index("O"))], Role::head);
    const auto& u = book.units();
    ASSERT_EQ(u.size(), 4U);
    const auto cu = static_cast<std::size_t>(*u.ids.find(std::string_view("CU")));
    EXPECT_EQ(u.kind[cu], UnitKind::client_unit);
    EXPECT_EQ(book.accounts().ids.label(u.account[cu]), "A4");
    EXPECT_EQ(u.ids.label(u.parent[static_cast<std::size_t>(*u.ids.find(std::string_view("AM2")))]), "AM");
    EXPECT_EQ(u.ids.label(m.unit[static_cast<std::size_t>(index("F2"))]), "AM2");
}

TEST(Org, TeamsRollUpTheReportingLines) {
    const Book book = org_rows().build();
    const Rows t = by(book, kpi::Key::team);
    EXPECT_EQ(t.labels(), (std::vector<std::string>{"O", "H", "F1", "F2", "C"}));  // manager order
    // F1: A1's 100 and A5's 10 of January (F1 owned A5 then); accounts: A1 only (A5 is C's on 2024-03-31).
    EXPECT_DOUBLE_EQ(t.at("F1", kpi::Kpi::revenue), 110);
    EXPECT_DOUBLE_EQ(t.at("F1", kpi::Kpi::clients_start), 1);
    EXPECT_DOUBLE_EQ(t.at("F1", kpi::Kpi::nrr), 100.0 / 80);
    EXPECT_DOUBLE_EQ(t.at("F2", kpi::Kpi::nrr), 50.0 / 100);
    // H = H + F1 + F2: revenue 100 + 10 + 50 = 160, cost 40: margin (160 - 40) / 160 = 0.75 (not the mean of
    // F1's 70/110 and F2's 1); NRR over A1 and A2: (100 + 50) / (80 + 100).
    EXPECT_DOUBLE_EQ(t.at("H", kpi::Kpi::revenue), 160);
    EXPECT_DOUBLE_EQ(t.at("H", kpi::Kpi::gross_margin), 0.75);
    EXPECT_DOUBLE_EQ(t.at("H", kpi::Kpi::clients_start), 2);
    EXPECT_DOUBLE_EQ(t.at("H", kpi::Kpi::nrr), 150.0 / 180);
    // C: A3's 20 and A5's 30 of March; accounts A3 (churned) and A5 (moved in): churn 1 / 2; NRR over A3 and
    // A5 (all of A5's Q1 revenue, 10 + 30): (20 + 40) / (60 + 40).
    EXPECT_DOUBLE_EQ(t.at("C", kpi::Kpi::revenue), 50);
    EXPECT_DOUBLE_EQ(t.at("C", kpi::Kpi::churned_clients), 1);
    EXPECT_DOUBLE_EQ(t.at("C", kpi::Kpi::churn_rate), 0.5);
    EXPECT_DOUBLE_EQ(t.at("C", kpi::Kpi::nrr), 60.0 / 100);
    // O, the top: everything: 110 + 50 + 50 + 300 = 510; 5 clients, 1 churned; NRR 510 / 480.
    EXPECT_DOUBLE_EQ(t.at("O", kpi::Kpi::revenue), 510);
    EXPECT_DOUBLE_EQ(t.at("O", kpi::Kpi::clients_start), 5);
    EXPECT_DOUBLE_EQ(t.at("O", kpi::Kpi::churn_rate), 0.2);
    EXPECT_DOUBLE_EQ(t.at("O", kpi::Kpi::nrr), 510.0 / 480);
}

TEST(Org, TheTopTeamIsTheWholeBookAndATeamIsItsManagersScope) {
    const Book book = org_rows().build();
    const Rows t = by(book, kpi::Key::team);
    for (kpi::Kpi k : figures) EXPECT_DOUBLE_EQ(t.at("O", k), kpi::value(book, k, q1)) << kpi::name(k);
    const auto& ids = book.managers().ids;
    kpi::Scope team_h;
    for (const char* m : {"H", "F1", "F2"}) team_h.managers.push_back(*ids.find(std::string_view(m)));
    const Rows scoped = by(book, kpi::Key::manager, team_h);
    for (kpi::Kpi k : figures) {
        kpi::Request rq;
        rq.periods = {q1};
        rq.kpis = {k};
        rq.scope = team_h;
        EXPECT_DOUBLE_EQ(t.at("H", k), kpi::compute(book, rq).values[0][0]) << kpi::name(k);
    }
}

TEST(Org, UnitsRollUpTheirSubUnits) {
    const Book book = org_rows().build();
    const Rows u = by(book, kpi::Key::unit);
    EXPECT_EQ(u.labels(), (std::vector<std::string>{"S", "AM", "AM2", "CU"}));
    EXPECT_DOUBLE_EQ(u.at("S", kpi::Kpi::revenue), 50);    // C
    EXPECT_DOUBLE_EQ(u.at("AM2", kpi::Kpi::revenue), 50);  // F2
    EXPECT_DOUBLE_EQ(u.at("AM", kpi::Kpi::revenue), 160);  // H (none), F1 110, and AM2's 50
    EXPECT_DOUBLE_EQ(u.at("AM", kpi::Kpi::nrr), 150.0 / 180);
    EXPECT_DOUBLE_EQ(u.at("CU", kpi::Kpi::revenue), 300);  // O sits in the client unit
}

TEST(Org, AccountGroupsRollUpTheirDescendants) {
    // P <- K1 <- KK1 (new in Q1), P <- K2 (churns on 2024-03-01); S stands alone.
    RowBuilder b;
    b.add(rows::Account{.account_id = "P", .acquired_on = 2023y / 1 / 1});
    b.add(rows::Account{.account_id = "K1", .parent_id = "P", .acquired_on = 2023y / 1 / 1});
    b.add(rows::Account{
        .account_id = "K2", .parent_id = "P", .acquired_on = 2023y / 1 / 1, .churned_on = 2024y / 3 / 1});
    b.add(rows::Account{.account_id = "KK1", .parent_id = "K1", .acquired_on = 2024y / 2 / 1});
    b.add(rows::Account{.account_id = "S", .acquired_on = 2023y / 1 / 1});
    b.add(std::vector<rows::Revenue>{
        {.account_id = "P", .date = 2023y / 10 / 1, .amount = 100},
        {.account_id = "K1", .date = 2023y / 10 / 1, .amount = 50},
        {.account_id = "K2", .date = 2023y / 10 / 1, .amount = 40},
        {.account_id = "S", .date = 2023y / 10 / 1, .amount = 30},
        {.account_id = "P", .date = 2024y / 1 / 2, .amount = 100},
        {.account_id = "K1", .date = 2024y / 1 / 2, .amount = 60},
        {.account_id = "K2", .date = 2024y / 1 / 2, .amount = 10},
        {.account_id = "KK1", .date = 2024y / 2 / 2, .amount = 5},
        {.account_id = "S", .date = 2024y / 1 / 2, .amount = 30},
    });
    const Book book = b.build();
    const Rows g = by(book, kpi::Key::account_group);
    EXPECT_EQ(g.labels(), (std::vector<std::string>{"P", "S"}));  // the top accounts only
    // P: 100 + 60 + 10 + 5; clients at the start P, K1, K2 (KK1 is new); K2 churns: 1 / 3; NRR over the
    // cohort P, K1, K2 (KK1 had no base revenue): (100 + 60 + 10) / (100 + 50 + 40).
    EXPECT_DOUBLE_EQ(g.at("P", kpi::Kpi::revenue), 175);
    EXPECT_DOUBLE_EQ(g.at("P", kpi::Kpi::clients_start), 3);
    EXPECT_DOUBLE_EQ(g.at("P", kpi::Kpi::churned_clients), 1);
    EXPECT_DOUBLE_EQ(g.at("P", kpi::Kpi::churn_rate), 1.0 / 3);
    EXPECT_DOUBLE_EQ(g.at("P", kpi::Kpi::nrr), 170.0 / 190);
    EXPECT_DOUBLE_EQ(g.at("S", kpi::Kpi::revenue), 30);
    EXPECT_DOUBLE_EQ(g.at("S", kpi::Kpi::churn_rate), 0);
}

TEST(Org, RollUpsCrossWithOtherKeysAndMergeLikeAnyState) {
    const Book book = org_rows().build();
    kpi::Request rq;
    rq.periods = {q1, Period::quarter(2024, 2)};
    rq.by = {kpi::Key::team, kpi::Key::role};
    rq.kpis = {kpi::Kpi::revenue};
    const auto r = kpi::compute(book, rq);
    // Team H by the role of the event's owner: farmers 110 + 50 in Q1, heads nothing (H owns no account).
    double farmers = 0;
    const auto h = *book.managers().ids.find(std::string_view("H"));
    for (std::size_t i = 0; i < r.rows(); ++i) {
        if (r.key_codes[0][i] == h && r.period[i] == 0 && r.key_codes[1][i] == static_cast<int>(Role::farmer))
            farmers = r.column(kpi::Kpi::revenue)[i];
    }
    EXPECT_DOUBLE_EQ(farmers, 160);
    // Two halves of the book (by account) merge into the whole.
    rq.by = {kpi::Key::team};
    kpi::Request left = rq, right = rq;
    left.scope.accounts = {0, 1};
    right.scope.accounts = {2, 3, 4};
    auto st = kpi::accumulate(book, left);
    st.merge(kpi::accumulate(book, right));
    const auto merged = kpi::finalize(book, rq, st);
    const auto whole = kpi::compute(book, rq);
    EXPECT_EQ(merged.values, whole.values);
    // And a state by team goes through bytes unchanged.
    const auto again = kpi::finalize(book, rq, kpi::State::from_bytes(kpi::accumulate(book, rq).to_bytes()));
    EXPECT_EQ(again.values, whole.values);
}

TEST(Org, OldBooksHaveNoOrganisation) {
    RowBuilder b;
    b.add(rows::Manager{.manager_id = "M"});
    b.add(rows::Account{.account_id = "A"});
    b.add(rows::Revenue{.account_id = "A", .date = 2024y / 1 / 1, .amount = 1});
    b.add(rows::Assignment{.manager_id = "M", .account_id = "A", .start = 2023y / 1 / 1});
    const Book book = b.build();
    EXPECT_EQ(book.units().size(), 0U);
    EXPECT_EQ(book.managers().reports_to, (std::vector<std::int32_t>{none}));
    const Rows t = by(book, kpi::Key::team);  // every manager his own team
    EXPECT_DOUBLE_EQ(t.at("M", kpi::Kpi::revenue), 1);
    const Rows u = by(book, kpi::Key::unit);  // no units: one row for the missing unit
    ASSERT_EQ(u.result.rows(), 1U);
    EXPECT_EQ(u.result.key_codes[0][0], none);
}

TEST(OrgValidation, ACycleOfReportingLinesIsNamedAndEveryProblemListed) {
    RowBuilder b;
    b.add(rows::Manager{.manager_id = "A", .reports_to = "B"});
    b.add(rows::Manager{.manager_id = "B", .reports_to = "C"});
    b.add(rows::Manager{.manager_id = "C", .reports_to = "A"});
    b.add(rows::Manager{.manager_id = "D", .reports_to = "D"});
    b.add(rows::Manager{.manager_id = "E", .reports_to = "X", .unit_id = "nowhere"});
    b.add(rows::Account{.account_id = "K"});
    b.add(rows::Revenue{.account_id = "K", .date = 2024y / 1 / 1, .amount = 1});
    const auto ps = problems_of(b);
    std::vector<std::string> seen;
    for (const auto& p : ps) seen.push_back(p.describe());
    ASSERT_EQ(ps.size(), 4U) << ::testing::PrintToString(seen);
    const auto has = [&](std::int64_t row, const std::string& column, const std::string& words) {
        return std::any_of(ps.begin(), ps.end(), [&](const Problem& p) {
            return p.table == "managers" && p.row == row && p.column == column &&
                   p.reason.find(words) != std::string::npos;
        });
    };
    EXPECT_TRUE(has(0, "reports_to", "form a cycle: 'A' -> 'B' -> 'C' -> 'A'"))
        << ::testing::PrintToString(seen);
    EXPECT_TRUE(has(3, "reports_to", "cannot report to himself"));
    EXPECT_TRUE(has(4, "reports_to", "unknown manager id 'X'"));
    EXPECT_TRUE(has(4, "unit_id", "unknown unit id 'nowhere'"));
}

TEST(OrgValidation, UnitProblems) {
    RowBuilder b;
    b.add(rows::Manager{.manager_id = "M"});
    b.add(rows::Unit{.unit_id = "U1", .parent_id = "U2"});
    b.add(rows::Unit{.unit_id = "U2", .parent_id = "U1"});
    b.add(rows::Unit{.unit_id = "CU", .kind = UnitKind::client_unit, .head_id = "M"});
    b.add(
        rows::Unit{.unit_id = "AM", .kind = UnitKind::account_management, .head_id = "Z", .account_id = "K"});
    b.add(rows::Account{.account_id = "K"});
    b.add(rows::Revenue{.account_id = "K", .date = 2024y / 1 / 1, .amount = 1});
    const auto ps = problems_of(b);
    std::vector<std::string> seen;
    for (const auto& p : ps) seen.push_back(p.describe());
    ASSERT_EQ(ps.size(), 4U) << ::testing::PrintToString(seen);
    const auto any = [&](const std::string& words) {
        return std::any_of(seen.begin(), seen.end(),
                           [&](const auto& s) { return s.find(words) != std::string::npos; });
    };
    EXPECT_TRUE(any("form a cycle: 'U1' -> 'U2' -> 'U1'"));
    EXPECT_TRUE(any("client unit 'CU' needs the account it serves"));
    EXPECT_TRUE(any("unknown manager id 'Z'"));
    EXPECT_TRUE(any("only a client_unit serves one account"));
}

TEST(OrgValidation, QuarantineRejectsTheCycleAndWhatDependsOnIt) {
    RowBuilder b;
    b.add(rows::Manager{.manager_id = "A", .reports_to = "B"});
    b.add(rows::Manager{.manager_id = "B", .reports_to = "A"});
    b.add(rows::Manager{.manager_id = "OK"});
    b.add(rows::Account{.account_id = "K"});
    b.add(rows::Revenue{.account_id = "K", .date = 2024y / 1 / 1, .amount = 1});
    b.add(rows::Assignment{.manager_id = "A", .account_id = "K", .start = 2023y / 1 / 1});
    const auto lenient = b.build_lenient();
    EXPECT_EQ(lenient.book.managers().size(), 1U);  // OK
    EXPECT_EQ(lenient.rejected_rows("managers"), 2U);
    EXPECT_EQ(lenient.rejected_rows("assignments"), 1U);  // A's, gone with A
    EXPECT_EQ(lenient.book.revenue().size(), 1U);         // the revenue line stays, without an owner
}

TEST(Org, TheChartCountsEachTeam) {
    const Book book = org_rows().build();
    const OrgChart chart = org_chart(book, Date(2024, 3, 31));
    // Managers in input order O, H, F1, F2, C; owners on 2024-03-31: A1 F1, A2 F2, A3 C, A4 O, A5 C.
    EXPECT_EQ(chart.depth, (std::vector<std::int32_t>{0, 1, 2, 2, 1}));
    EXPECT_EQ(chart.direct_reports, (std::vector<std::int32_t>{2, 2, 0, 0, 0}));
    EXPECT_EQ(chart.team_size, (std::vector<std::int32_t>{5, 3, 1, 1, 1}));
    EXPECT_EQ(chart.accounts_owned, (std::vector<std::int32_t>{1, 0, 1, 1, 2}));
    EXPECT_EQ(chart.team_accounts, (std::vector<std::int32_t>{5, 2, 1, 1, 2}));
    // On 2024-01-15 A5 was still F1's.
    EXPECT_EQ(org_chart(book, Date(2024, 1, 15)).team_accounts, (std::vector<std::int32_t>{5, 3, 2, 1, 1}));
}

TEST(Org, TheTwoSidesOfTheJunction) {
    RowBuilder b = org_rows();
    // F1 talks to A1 twice and to delivery once about it; F2 once internally; one before the period.
    b.add(std::vector<rows::Interaction>{
        {.account_id = "A1", .date = 2024y / 1 / 3, .channel = Channel::call},
        {.account_id = "A1", .date = 2024y / 1 / 4, .channel = Channel::email},
        {.account_id = "A1", .date = 2024y / 1 / 5, .channel = Channel::meeting, .party = Party::internal},
        {.account_id = "A2", .date = 2024y / 2 / 5, .channel = Channel::email, .party = Party::internal},
        {.account_id = "A2", .date = 2023y / 12 / 5, .channel = Channel::email, .party = Party::internal},
    });
    const Book book = b.build();
    EXPECT_DOUBLE_EQ(kpi::communications(book, q1), 4);           // 2 + 1 + 1
    EXPECT_DOUBLE_EQ(kpi::internal_communications(book, q1), 2);  // A1's meeting, A2's email
    EXPECT_DOUBLE_EQ(kpi::client_communications(book, q1), 2);    // 4 - 2
    kpi::Request rq;
    rq.periods = {q1};
    rq.by = {kpi::Key::team};
    rq.kpis = {kpi::Kpi::internal_communications, kpi::Kpi::client_communications};
    const Rows t{book, kpi::compute(book, rq)};
    EXPECT_DOUBLE_EQ(t.at("F1", kpi::Kpi::internal_communications), 1);
    EXPECT_DOUBLE_EQ(t.at("F1", kpi::Kpi::client_communications), 2);
    EXPECT_DOUBLE_EQ(t.at("H", kpi::Kpi::internal_communications), 2);  // F1's and F2's
}

namespace {

// X: won by the closer K (project signed 2023-12-01), handed to the farmer F on 2024-02-01, churns on
// 2024-03-15 (43 days later). Y: K until 2024-02-10, then F; stays. Z: from the farmer G to F (no handover).
Book handover_book() {
    RowBuilder b;
    b.add(rows::Manager{.manager_id = "K", .role = Role::closer});
    b.add(rows::Manager{.manager_id = "F", .role = Role::farmer});
    b.add(rows::Manager{.manager_id = "G", .role = Role::farmer});
    b.add(rows::Account{.account_id = "X", .acquired_on = 2023y / 12 / 1, .churned_on = 2024y / 3 / 15});
    b.add(rows::Account{.account_id = "Y", .acquired_on = 2023y / 12 / 1});
    b.add(rows::Account{.account_id = "Z", .acquired_on = 2023y / 12 / 1});
    b.add(rows::Project{.project_id = "p", .account_id = "X", .signed_on = 2023y / 12 / 1, .value = 100});
    b.add(rows::Assignment{
        .manager_id = "K", .account_id = "X", .start = 2023y / 12 / 1, .end = 2024y / 2 / 1});
    b.add(rows::Assignment{.manager_id = "F", .account_id = "X", .start = 2024y / 2 / 1});
    b.add(rows::Assignment{
        .manager_id = "K", .account_id = "Y", .start = 2023y / 12 / 1, .end = 2024y / 2 / 10});
    b.add(rows::Assignment{.manager_id = "F", .account_id = "Y", .start = 2024y / 2 / 10});
    b.add(rows::Assignment{
        .manager_id = "G", .account_id = "Z", .start = 2023y / 12 / 1, .end = 2024y / 2 / 1});
    b.add(rows::Assignment{.manager_id = "F", .account_id = "Z", .start = 2024y / 2 / 1});
    b.add(std::vector<rows::Revenue>{
        {.account_id = "X", .date = 2024y / 2 / 5, .amount = 100},
        {.account_id = "X", .date = 2024y / 6 / 1, .amount = 50},  // beyond the 90 days
        {.account_id = "Y", .date = 2024y / 2 / 10, .amount = 30},
        {.account_id = "Z", .date = 2024y / 2 / 10, .amount = 7},
    });
    return b.build();
}

}  // namespace

TEST(Org, HandoversFromCloserToFarmer) {
    const Book book = handover_book();
    const auto facts = handovers(book, q1, 90);
    ASSERT_EQ(facts.size(), 2U);  // X and Y; Z went from one farmer to another
    EXPECT_EQ(book.accounts().ids.label(facts[0].handover.account), "X");
    EXPECT_EQ(facts[0].handover.day, Date(2024, 2, 1));
    EXPECT_DOUBLE_EQ(facts[0].days_from_signing, 62);  // 2023-12-01 to 2024-02-01
    EXPECT_DOUBLE_EQ(facts[0].revenue_after, 100);     // 2024-02-05 (2024-06-01 is after 2024-05-01)
    EXPECT_TRUE(facts[0].churned);
    EXPECT_EQ(facts[0].churned_on, Date(2024, 3, 15));
    EXPECT_TRUE(std::isnan(facts[1].days_from_signing));  // Y has no project
    EXPECT_DOUBLE_EQ(facts[1].revenue_after, 30);
    EXPECT_FALSE(facts[1].churned);
    // One of the two handed-over accounts churned within 90 days; within 30 none did (X took 43).
    EXPECT_DOUBLE_EQ(kpi::handover_churn_rate(book, q1), 0.5);
    kpi::Options o;
    o.handover_days = 30;
    EXPECT_DOUBLE_EQ(kpi::handover_churn_rate(book, q1, {}, o), 0);
    EXPECT_TRUE(std::isnan(kpi::handover_churn_rate(book, Period::quarter(2024, 2))));  // none: undefined
    EXPECT_THROW((void)handovers(book, q1, 0), std::invalid_argument);
}

TEST(Org, TheDemoHasTheThreePlacements) {
    const Book book = demo::book();
    const auto& u = book.units();
    ASSERT_EQ(u.size(), 3U);
    EXPECT_EQ(u.kind, (std::vector<UnitKind>{UnitKind::sales_department, UnitKind::account_management,
                                             UnitKind::client_unit}));
    EXPECT_NE(u.account[2], none);
    const auto& m = book.managers();
    const auto owner = *m.ids.find(std::string_view("H01"));
    int sales_farmers = 0, heads = 0;
    for (std::size_t k = 0; k < m.size(); ++k) {
        heads += m.role[k] == Role::head;
        if (m.unit[k] == 0 && m.role[k] == Role::farmer) ++sales_farmers;
        if (m.unit[k] == 2) {
            EXPECT_EQ(m.reports_to[k], owner);  // the client unit reports to the owner
        }
    }
    EXPECT_EQ(sales_farmers, 1);
    EXPECT_EQ(heads, 3);
    // The owner's team is the whole demo book; the heads' teams split it.
    kpi::Request rq;
    rq.periods = {Period::quarter(2025, 2)};
    rq.by = {kpi::Key::team};
    rq.kpis = {kpi::Kpi::revenue};
    const Rows t{book, kpi::compute(book, rq)};
    EXPECT_DOUBLE_EQ(t.at("H01", kpi::Kpi::revenue), kpi::revenue(book, Period::quarter(2025, 2)));
}
