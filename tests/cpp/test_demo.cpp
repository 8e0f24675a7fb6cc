#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "accountkpi/demo.hpp"

using namespace accountkpi;

TEST(Demo, SameSeedSameBookOtherSeedOtherBook) {
    demo::Options o;
    o.accounts = 60;
    const Book a = demo::book(o), b = demo::book(o);
    EXPECT_EQ(a.revenue().amount, b.revenue().amount);
    EXPECT_EQ(a.revenue().date, b.revenue().date);
    EXPECT_EQ(a.spells().begin, b.spells().begin);
    o.seed = 1;
    const Book c = demo::book(o);
    EXPECT_NE(a.revenue().amount, c.revenue().amount);
}

TEST(Demo, HasEveryFeatureTheDocsPromise) {
    const Book book = demo::book();
    EXPECT_EQ(book.accounts().size(), 300U);
    for (const auto* t : {"managers", "assignments", "projects", "revenue", "interactions", "requests",
                          "surveys", "targets"}) {
        EXPECT_TRUE(book.has_table(t)) << t;
    }
    const auto& m = book.managers();
    for (Tier t : {Tier::single_client, Tier::client_portfolio, Tier::revenue_portfolio}) {
        EXPECT_NE(std::find(m.tier.begin(), m.tier.end(), t), m.tier.end());
    }
    EXPECT_NE(std::find(m.role.begin(), m.role.end(), Role::closer), m.role.end());
    const auto& p = book.projects();
    for (ProjectKind k :
         {ProjectKind::new_business, ProjectKind::upsell, ProjectKind::cross_sell, ProjectKind::renewal}) {
        EXPECT_NE(std::find(p.kind.begin(), p.kind.end(), k), p.kind.end());
    }
    for (Billing k : {Billing::fixed, Billing::hour, Billing::day, Billing::month}) {
        EXPECT_NE(std::find(p.billing.begin(), p.billing.end(), k), p.billing.end());
    }
    const auto& r = book.revenue();
    EXPECT_TRUE(
        std::any_of(r.amount.begin(), r.amount.end(), [](double x) { return x < 0; }));  // credit notes
    const auto& q = book.requests();
    const auto unanswered =
        std::count_if(q.responded_on.begin(), q.responded_on.end(), [](Date d) { return d.is_null(); });
    EXPECT_GT(unanswered, 0);
    EXPECT_LT(unanswered, static_cast<long>(q.size()));
    // Churned and reactivated clients: some accounts have two spells, some spells end.
    const auto& s = book.spells();
    bool two = false;
    for (std::size_t a = 0; a < book.accounts().size(); ++a) two |= s.offsets[a + 1] - s.offsets[a] >= 2;
    EXPECT_TRUE(two);
    EXPECT_TRUE(std::any_of(s.end.begin(), s.end.end(), [](Date d) { return d != Date::max(); }));
    // Margins within the generator's range: overall gross margin near 32%.
    const double rev = std::accumulate(r.amount.begin(), r.amount.end(), 0.0);
    const double cost = std::accumulate(r.cost.begin(), r.cost.end(), 0.0);
    EXPECT_GT((rev - cost) / rev, 0.2);
    EXPECT_LT((rev - cost) / rev, 0.45);
}

TEST(Demo, RejectsNonsenseOptions) {
    demo::Options o;
    o.accounts = 0;
    EXPECT_THROW((void)demo::tables(o), std::invalid_argument);
    o.accounts = 10;
    o.managers = 2;
    EXPECT_THROW((void)demo::tables(o), std::invalid_argument);
}

TEST(Demo, WithoutEventsTheOtherTablesAreTheSame) {
    demo::Options o;
    o.accounts = 80;
    const Book full = demo::book(o);
    o.events = false;
    const Book lean = demo::book(o);
    for (const auto* t : {"interactions", "requests", "surveys"}) EXPECT_FALSE(lean.has_table(t)) << t;
    EXPECT_TRUE(lean.has_table("projects"));
    EXPECT_EQ(full.revenue().amount, lean.revenue().amount);
    EXPECT_EQ(full.revenue().date, lean.revenue().date);
    EXPECT_EQ(full.revenue().manager, lean.revenue().manager);
    EXPECT_EQ(full.projects().value, lean.projects().value);
    EXPECT_EQ(full.spells().end, lean.spells().end);
}

TEST(Demo, ClientsLeaveOnlyForTheReasonsGiven) {
    // With a zero base chance of leaving, nobody leaves whatever the service: every spell stays open.
    demo::Options o;
    o.accounts = 80;
    o.churn.base = 0;
    const Book loyal = demo::book(o);
    const auto& s = loyal.spells();
    EXPECT_TRUE(std::all_of(s.end.begin(), s.end.end(), [](Date d) { return d == Date::max(); }));
    // The default reasons make some leave.
    o.churn = {};
    const Book usual = demo::book(o);
    const auto& d = usual.spells();
    EXPECT_TRUE(std::any_of(d.end.begin(), d.end.end(), [](Date e) { return e != Date::max(); }));
    o.churn.neglect = 1.5;
    EXPECT_THROW((void)demo::tables(o), std::invalid_argument);
    o.churn = {};
    o.churn.silence = -1;
    EXPECT_THROW((void)demo::tables(o), std::invalid_argument);
}
