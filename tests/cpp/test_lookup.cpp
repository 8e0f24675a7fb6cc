// Looking up external ids and names: one kind of "not found", mandates and scopes by id.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "accountkpi/book.hpp"
#include "accountkpi/book/lookup.hpp"
#include "accountkpi/kpi/engine.hpp"
#include "accountkpi/tiers/mandate.hpp"
#include "tiers_fixture.hpp"

using namespace accountkpi;

namespace {

std::string message_of(auto&& f) {
    try {
        f();
    } catch (const NotFound& e) {
        return e.what();
    }
    return "no exception";
}

}  // namespace

TEST(Lookup, FindReturnsNulloptForIdsAndNamesAlike) {
    const Book book = fixture::tiers_book();
    EXPECT_EQ(book.accounts().ids.find("C"), std::optional<std::int32_t>{2});
    EXPECT_EQ(book.accounts().ids.find("Z"), std::nullopt);
    EXPECT_EQ(book.accounts().regions.find("APAC"), std::optional<std::int32_t>{1});  // EMEA seen first
    EXPECT_EQ(book.accounts().regions.find("Mars"), std::nullopt);
}

TEST(Lookup, ResolveNamesEveryMissingOne) {
    const Book book = fixture::tiers_book();
    const std::vector<std::string> ids{"E", "A"};
    EXPECT_EQ(resolve(book, Lookup::account, ids), (std::vector<std::int32_t>{4, 0}));
    EXPECT_EQ(resolve(book, Lookup::manager, "C1"), 3);
    EXPECT_EQ(resolve(book, Lookup::region, "EMEA"), 0);
    EXPECT_EQ(message_of([&] { (void)resolve(book, Lookup::region, "Mars"); }),
              "no region 'Mars' in the book");
    const std::vector<std::string> some_missing{"A", "A9", "B", "Q"};
    EXPECT_EQ(message_of([&] { (void)resolve(book, Lookup::account, some_missing); }),
              "no accounts 'A9', 'Q' in the book");
    try {
        (void)resolve(book, Lookup::account, some_missing);
        ADD_FAILURE() << "resolve found ids the book does not have";
    } catch (const NotFound& e) {
        EXPECT_EQ(e.what_kind(), Lookup::account);
        EXPECT_EQ(e.missing(), (std::vector<std::string>{"A9", "Q"}));
    }
    // NotFound is a std::out_of_range, so a caller may catch either.
    EXPECT_THROW((void)resolve(book, Lookup::project, "P2"), std::out_of_range);
}

TEST(Lookup, ScopeByIdsIsTheScopeByIndices) {
    const Book book = fixture::tiers_book();
    const kpi::Scope s = kpi::resolve(book, {.managers = {"F2"}, .regions = {"APAC"}});
    EXPECT_EQ(s.managers, (std::vector<std::int32_t>{1}));
    EXPECT_EQ(s.regions, (std::vector<std::int32_t>{1}));
    EXPECT_TRUE(s.accounts.empty());
    EXPECT_EQ(message_of([&] { (void)kpi::resolve(book, {.domains = {"health"}}); }),
              "no domain 'health' in the book");
}

TEST(Lookup, MandatesByExternalIds) {
    const Book book = fixture::tiers_book();
    const Period q2 = Period::quarter(2024, 2);
    const tiers::Scorecard by_index = tiers::ClientPortfolio(1, {1}).evaluate(book, q2);
    const tiers::Scorecard by_id = tiers::ClientPortfolio(book, "F2", {"B"}).evaluate(book, q2);
    EXPECT_EQ(by_id.manager, by_index.manager);
    EXPECT_EQ(by_id.score, by_index.score);
    EXPECT_EQ(tiers::SingleClient(book, "A", "F1").scope().accounts, (std::vector<std::int32_t>{0}));
    EXPECT_EQ(tiers::SingleClient(book, "A").manager(), none);
    EXPECT_EQ(tiers::RevenuePortfolio(book, "F3").manager(), 2);
    EXPECT_EQ(tiers::ClientPortfolio(book, "", {"C", "D"}).scope().accounts,
              (std::vector<std::int32_t>{2, 3}));
    EXPECT_EQ(message_of([&] { tiers::ClientPortfolio(book, "F9"); }), "no manager 'F9' in the book");
}
