// The business rules from C++: the health of every client with its reasons, a farmer's portfolio ranked with
// its drop candidates, and what five points of retention are worth, on the demo company.
#include <accountkpi/accountkpi.hpp>
#include <cstdio>

int main() {
    using namespace accountkpi;
    const Book book = demo::book();
    const Period quarter = Period::quarter(2024, 2);

    // Health: one engine request by account; worst first.
    const health::HealthTable all = health::health(book, quarter);
    const health::HealthTable risky = health::at_risk(all);
    std::printf("%s: %zu of %zu clients at risk\n", quarter.label().c_str(), risky.rows(), all.rows());
    for (std::size_t i = 0; i < risky.rows() && i < 3; ++i) {
        std::printf("  %-8s health %5.1f  %s\n", book.accounts().ids.label(risky.account[i]).c_str(),
                    risky.health[i], risky.reasons[i].c_str());
    }

    // Prioritisation of the first client-portfolio farmer's accounts over the year.
    const auto& managers = book.managers();
    for (std::size_t m = 0; m < managers.size(); ++m) {
        if (managers.tier[m] != Tier::client_portfolio) continue;
        kpi::Scope portfolio;
        portfolio.managers = {static_cast<std::int32_t>(m)};
        tiers::PriorityOptions options;
        options.margin_floor = 0.2;
        const tiers::PriorityTable ranked = tiers::prioritise(book, Period::year(2024), portfolio, options);
        std::printf("portfolio of %s, 2024: %zu accounts\n",
                    managers.ids.label(static_cast<std::int32_t>(m)).c_str(), ranked.rows());
        for (std::size_t i = 0; i < ranked.rows() && i < 3; ++i) {
            std::printf("  #%zu %-8s priority %.3f%s %s\n", i + 1,
                        book.accounts().ids.label(ranked.item[i]).c_str(), ranked.priority[i],
                        ranked.drop_candidate[i] ? " (drop candidate)" : "", ranked.reasons[i].c_str());
        }
        break;
    }

    // The retention what-if: the book's own churn and margins, five points more retention, five years at 10%.
    const tiers::RetentionInputs in = tiers::retention_inputs(book, Period::year(2024));
    const tiers::RetentionUplift r = tiers::retention_uplift(in, 0.05, 5, 0.1);
    std::printf("+5 points of retention in 2024: %lld more clients kept, profit over 5 years %+.1f%%\n",
                static_cast<long long>(r.extra_clients_kept), 100 * r.profit_uplift);
}
