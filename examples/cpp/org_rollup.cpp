// A small organisation, its KPIs rolled up the reporting lines: the owner over a head of accounting and his
// two farmers, and a closer; each team's revenue, margin and NRR recomputed over the whole team.
#include <accountkpi/accountkpi.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

int main() {
    using namespace accountkpi;
    using std::chrono::operator""y;
    RowBuilder rows;
    rows.add(std::vector<rows::Manager>{
        {.manager_id = "owner", .role = Role::head},
        {.manager_id = "head", .role = Role::head, .reports_to = "owner"},
        {.manager_id = "anna", .role = Role::farmer, .reports_to = "head"},
        {.manager_id = "ben", .role = Role::farmer, .reports_to = "head"},
        {.manager_id = "carl", .role = Role::closer, .reports_to = "owner"},
    });
    const std::vector<std::pair<const char*, const char*>> owners{
        {"A", "anna"}, {"B", "anna"}, {"C", "ben"}, {"D", "carl"}, {"E", "owner"}};
    for (const auto& [account, manager] : owners) {
        rows.add(rows::Account{.account_id = account, .acquired_on = 2024y / 1 / 1});
        rows.add(rows::Assignment{.manager_id = manager, .account_id = account, .start = 2024y / 1 / 1});
    }
    rows.add(std::vector<rows::Revenue>{
        {.account_id = "A", .date = 2024y / 12 / 1, .amount = 100, .cost = 60},
        {.account_id = "B", .date = 2024y / 12 / 1, .amount = 50, .cost = 20},
        {.account_id = "C", .date = 2024y / 12 / 1, .amount = 80, .cost = 40},
        {.account_id = "D", .date = 2024y / 12 / 1, .amount = 40, .cost = 30},
        {.account_id = "E", .date = 2024y / 12 / 1, .amount = 200, .cost = 100},
        {.account_id = "A", .date = 2025y / 2 / 1, .amount = 120, .cost = 70},
        {.account_id = "B", .date = 2025y / 2 / 1, .amount = 30, .cost = 20},
        {.account_id = "C", .date = 2025y / 2 / 1, .amount = 100, .cost = 40},
        {.account_id = "D", .date = 2025y / 2 / 1, .amount = 60, .cost = 30},
        {.account_id = "E", .date = 2025y / 2 / 1, .amount = 180, .cost = 90},
    });
    const Book book = rows.build();

    kpi::Request rq;
    rq.periods = {Period::quarter(2025, 1)};
    rq.by = {kpi::Key::team};
    rq.kpis = {kpi::Kpi::revenue, kpi::Kpi::gross_margin, kpi::Kpi::nrr};
    const kpi::Result r = kpi::compute(book, rq);
    const OrgChart chart = org_chart(book, Date(2025, 3, 31));
    std::printf("%-8s %5s %5s %9s %8s %6s\n", "team", "depth", "size", "revenue", "margin", "NRR");
    for (std::size_t i = 0; i < r.rows(); ++i) {
        const auto m = static_cast<std::size_t>(r.key_codes[0][i]);
        std::printf("%-8s %5d %5d %9.2f %7.1f%% %5.1f%%\n",
                    book.managers().ids.label(r.key_codes[0][i]).c_str(), chart.depth[m], chart.team_size[m],
                    r.column(kpi::Kpi::revenue)[i], 100 * r.column(kpi::Kpi::gross_margin)[i],
                    100 * r.column(kpi::Kpi::nrr)[i]);
    }
}
