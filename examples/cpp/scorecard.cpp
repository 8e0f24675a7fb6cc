// Builds a Book (the demo company), prints its KPIs for a quarter and a farmer's scorecard.
#include <accountkpi/accountkpi.hpp>
#include <cstdio>

int main() {
    using namespace accountkpi;
    const Book book = demo::book();  // or BookBuilder{}.add("accounts", ...).add("revenue", ...).build()
    const Period quarter = Period::quarter(2025, 2);

    std::printf("accountkpi %s: %zu accounts, %zu revenue lines\n", std::string(version()).c_str(),
                book.accounts().size(), book.revenue().size());
    std::printf("%s: retention %.1f%%, NRR %.1f%%, revenue %.2f, gross margin %.1f%%\n",
                quarter.label().c_str(), 100 * kpi::retention_rate(book, quarter),
                100 * kpi::nrr(book, quarter), kpi::revenue(book, quarter),
                100 * kpi::gross_margin(book, quarter));

    // The scorecard of the first client-portfolio farmer.
    const auto& managers = book.managers();
    for (std::size_t m = 0; m < managers.size(); ++m) {
        if (managers.tier[m] != Tier::client_portfolio) continue;
        const tiers::ClientPortfolio mandate(static_cast<std::int32_t>(m));
        const tiers::Scorecard card = mandate.evaluate(book, quarter);
        std::printf("scorecard of %s (client portfolio), %s: score %.2f\n",
                    managers.ids.label(card.manager).c_str(), quarter.label().c_str(), card.score);
        std::printf("  %-24s %12s %12s %10s %7s\n", "kpi", "actual", "target", "attained", "weight");
        for (const auto& line : card.lines) {
            std::printf("  %-24s %12.3f %12.3f %10.2f %7.1f\n", std::string(kpi::name(line.kpi)).c_str(),
                        line.actual, line.target, line.attainment, line.weight);
        }
        break;
    }
}
