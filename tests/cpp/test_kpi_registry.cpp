// The KPI registry (accountkpi/kpi/kpis.hpp) is consistent with itself and with what the engine computes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"

using namespace accountkpi;
using kpi::Kpi;
using kpi::Option;

namespace {

bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

bool all_nan(const std::vector<double>& column) {
    return std::all_of(column.begin(), column.end(), [](double x) { return std::isnan(x); });
}

/// Every KPI of the demo book over 2024Q2 by manager (many groups, so that an option that matters shows).
kpi::Result demo_table(const Book& book, const kpi::Options& options) {
    kpi::Request rq;
    rq.periods = {Period::quarter(2024, 2)};
    rq.by = {kpi::Key::manager};
    rq.options = options;
    return kpi::compute(book, rq);
}

}  // namespace

TEST(KpiRegistry, EveryEnumeratorHasItsRowInOrder) {
    ASSERT_EQ(kpi::registry.size(), kpi::all_kpis.size());
    for (std::size_t i = 0; i < kpi::registry.size(); ++i) {
        EXPECT_EQ(static_cast<std::size_t>(kpi::all_kpis[i]), i);
        EXPECT_EQ(kpi::registry[i].kpi, kpi::all_kpis[i]) << kpi::registry[i].name;
        EXPECT_EQ(&kpi::info(kpi::all_kpis[i]), &kpi::registry[i]);
    }
    static_assert(kpi::info(Kpi::retention_rate).name == "retention_rate");
    static_assert(kpi::parse_kpi("churn_rate") == Kpi::churn_rate);
}

TEST(KpiRegistry, NamesAreUniqueSnakeCaseAndParse) {
    std::set<std::string_view> seen;
    for (const kpi::KpiInfo& i : kpi::registry) {
        EXPECT_TRUE(seen.insert(i.name).second) << "twice: " << i.name;
        ASSERT_FALSE(i.name.empty());
        for (char c : i.name)
            EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << i.name;
        EXPECT_EQ(kpi::parse_kpi(i.name), i.kpi);
    }
    EXPECT_FALSE(kpi::parse_kpi("revenues"));
}

TEST(KpiRegistry, EveryKpiIsDefined) {
    for (const kpi::KpiInfo& i : kpi::registry) {
        EXPECT_FALSE(i.definition.empty()) << i.name;
        EXPECT_EQ(i.definition.back(), '.') << i.name << ": a definition is a sentence";
        EXPECT_FALSE(i.formula.empty()) << i.name;
    }
}

TEST(KpiRegistry, FlowsAreCountsOrAmounts) {
    // A flow adds up over days, so it is a count or an amount; ratios, rates, scores and days never are.
    for (const kpi::KpiInfo& i : kpi::registry) {
        if (i.flow) {
            EXPECT_TRUE(i.unit == kpi::Unit::count || i.unit == kpi::Unit::currency) << i.name;
        }
    }
    EXPECT_TRUE(kpi::info(Kpi::revenue).flow);
    EXPECT_FALSE(kpi::info(Kpi::arpa).flow);  // an amount per account: a level, not a flow
}

TEST(KpiRegistry, OptionTableInEnumOrderWithUniqueKeys) {
    std::set<std::string_view> fields, keys;
    for (std::size_t i = 0; i < kpi::option_table.size(); ++i) {
        const kpi::OptionInfo& o = kpi::option_table[i];
        EXPECT_EQ(static_cast<std::size_t>(o.option), i);
        EXPECT_TRUE(fields.insert(o.field).second) << o.field;
        EXPECT_TRUE(keys.insert(o.key).second) << o.key;
        EXPECT_FALSE(o.keyword.empty()) << o.key;
        const bool used = std::any_of(kpi::registry.begin(), kpi::registry.end(),
                                      [&](const kpi::KpiInfo& k) { return k.options.contains(o.option); });
        EXPECT_TRUE(used) << o.field << " changes no KPI";
    }
}

TEST(KpiRegistry, UnitFollowsTheSatisfactionOptions) {
    kpi::Options o;
    EXPECT_EQ(kpi::unit(Kpi::csat, o), kpi::Unit::fraction);  // share of 4-5
    EXPECT_EQ(kpi::unit(Kpi::ces, o), kpi::Unit::scale);      // mean score
    o.csat = kpi::Options::Satisfaction::mean;
    o.ces = kpi::Options::Satisfaction::share;
    EXPECT_EQ(kpi::unit(Kpi::csat, o), kpi::Unit::scale);
    EXPECT_EQ(kpi::unit(Kpi::ces, o), kpi::Unit::fraction);
    EXPECT_EQ(kpi::unit(Kpi::nrr, o), kpi::Unit::ratio);
    EXPECT_EQ(kpi::name(kpi::Unit::per_account), "per_account");
}

// Level: per-account KPIs are NaN by service line (an account is in no one line); event KPIs with data are
// not (the demo book has no CES answers: ces is NaN however grouped).
TEST(KpiRegistry, AccountLevelKpisAreExactlyThoseUndefinedByServiceLine) {
    const Book book = demo::book();
    kpi::Request rq;
    rq.periods = {Period::year(2024)};
    const kpi::Result whole = kpi::compute(book, rq);
    rq.by = {kpi::Key::service_line};
    const kpi::Result r = kpi::compute(book, rq);
    ASSERT_GT(r.rows(), 1U);
    for (std::size_t k = 0; k < r.kpis.size(); ++k) {
        if (all_nan(whole.values[k])) continue;  // no data for it in the demo book
        EXPECT_EQ(all_nan(r.values[k]), kpi::account_level(r.kpis[k])) << kpi::name(r.kpis[k]);
    }
    EXPECT_TRUE(all_nan(whole.column(Kpi::ces)));  // the one skipped; keep the test honest if that changes
}

// Options: a KPI whose value changes when an option changes lists that option, and each option changes one.
TEST(KpiRegistry, AKpiThatAnOptionChangesListsIt) {
    const Book book = demo::book();
    const kpi::Result base = demo_table(book, {});
    using O = kpi::Options;
    const std::vector<std::pair<Option, std::function<void(O&)>>> variants{
        {Option::retention, [](O& o) { o.retention = O::Retention::textbook; }},
        {Option::churn, [](O& o) { o.churn = O::Churn::include_new; }},
        {Option::revenue_churn, [](O& o) { o.revenue_churn = O::RevenueChurn::net; }},
        {Option::nrr_base, [](O& o) { o.nrr_base = O::NrrBase::year_ago; }},
        {Option::csat, [](O& o) { o.csat = O::Satisfaction::mean; }},
        {Option::ces, [](O& o) { o.ces = O::Satisfaction::share; }},
        {Option::ltv_revenue, [](O& o) { o.ltv_revenue = true; }},
        {Option::renewal, [](O& o) { o.renewal = O::RenewalWeight::value; }},
        {Option::sla_days, [](O& o) { o.sla_days = 0.5; }},
        {Option::top_p, [](O& o) { o.top_p = 0.5; }},
        {Option::pareto_threshold, [](O& o) { o.pareto_threshold = 0.5; }},
        {Option::hours_per_day, [](O& o) { o.hours_per_day = 6; }},
        {Option::days_per_month, [](O& o) { o.days_per_month = 18; }},
        {Option::handover_days, [](O& o) { o.handover_days = 720; }},
    };
    ASSERT_EQ(variants.size(), kpi::option_table.size());
    for (const auto& [option, change] : variants) {
        O o;
        change(o);
        const kpi::Result r = demo_table(book, o);
        ASSERT_EQ(r.rows(), base.rows());
        int changed = 0, with_data = 0;
        for (std::size_t k = 0; k < r.kpis.size(); ++k) {
            bool differs = false;
            for (std::size_t row = 0; row < r.rows(); ++row)
                differs |= !same(r.values[k][row], base.values[k][row]);
            changed += differs ? 1 : 0;
            with_data += kpi::info(r.kpis[k]).options.contains(option) && !all_nan(base.values[k]) ? 1 : 0;
            if (differs) {
                EXPECT_TRUE(kpi::info(r.kpis[k]).options.contains(option))
                    << kpi::name(r.kpis[k]) << " changes with option " << kpi::info(option).field;
            }
        }
        // The demo book has no CES answers, so the ces option cannot show here (test_kpi_definitions.py has
        // it).
        EXPECT_TRUE(with_data > 0 || option == Option::ces) << kpi::info(option).field;
        if (with_data > 0) {
            EXPECT_GT(changed, 0) << "option " << kpi::info(option).field << " changed nothing";
        }
    }
}
