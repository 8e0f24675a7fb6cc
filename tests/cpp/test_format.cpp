// Text forms of dates, periods, KPIs, problems and scorecards.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "accountkpi/format.hpp"
#include "accountkpi/tiers/mandate.hpp"
#include "tiers_fixture.hpp"

using namespace accountkpi;

TEST(Format, ValuesPrintAsTheirDomainText) {
    std::ostringstream out;
    out << Date(2025, 3, 31) << ' ' << Date::null() << ' ' << Period::quarter(2025, 1) << ' '
        << Period::month(2024, 2) << ' ' << kpi::Kpi::retention_rate;
    EXPECT_EQ(out.str(), "2025-03-31 null 2025Q1 2024-02 retention_rate");
    EXPECT_EQ(to_string(Period::year(2024)), "2024");
    EXPECT_EQ(kpi::to_string(kpi::Kpi::nrr), "nrr");
    const Problem p{"revenue", 3, "account_id", "unknown account id 'A9'"};
    EXPECT_EQ(to_string(p), p.describe());
    EXPECT_NE(to_string(p).find("revenue row 3, column account_id"), std::string::npos);
}

TEST(Format, ScorecardListsItsLinesAndUnscoredGoals) {
    // Two goals: retention 0.95 against 0.9 (attainment 0.95 / 0.9), NPS undefined (no actual).
    const std::vector<tiers::Goal> goals{tiers::goal(kpi::Kpi::retention_rate, 0.9, 2),
                                         tiers::goal(kpi::Kpi::nps, 30, 1)};
    const tiers::Scorecard card =
        tiers::score(goals, {0.95, std::nan("")}, {0.9, 30}, Period::quarter(2025, 2), 1.5);
    const std::string text = tiers::to_string(card);
    EXPECT_NE(text.find("scorecard 2025Q2"), std::string::npos) << text;
    EXPECT_NE(text.find("score 1.056"), std::string::npos) << text;  // 0.95 / 0.9 = 1.0556, the only scored
    EXPECT_NE(text.find("retention_rate: actual 0.950, target 0.900, attainment 1.056, weight 2.0"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("unscored: nps"), std::string::npos) << text;
}

TEST(Format, LabelledScorecardNamesItsManagerById) {
    const Book book = fixture::tiers_book();
    const tiers::Scorecard card = tiers::ClientPortfolio(book, "F2").evaluate(book, Period::quarter(2024, 2));
    EXPECT_EQ(tiers::to_string(card).rfind("scorecard 2024Q2, manager 1: score", 0), 0U);  // the index
    const std::string text = tiers::to_string(tiers::labelled(book, card));
    EXPECT_EQ(text.rfind("scorecard 2024Q2, manager F2: score", 0), 0U) << text;
    EXPECT_EQ(text.substr(text.find('\n')), tiers::to_string(card).substr(tiers::to_string(card).find('\n')));
}

TEST(Format, ProblemsEscapeControlCharactersFromTheData) {
    // ESC and BEL from an id, DEL and a C1 control (U+009B, CSI) in a column name; letters and a line break
    // stay as they are, and so does other UTF-8 ("é").
    const Problem p{"revenue", 2,
                    "am\x7f"
                    "ount\xc2\x9b",
                    "unknown account 'A\x1b[2J\x07' (é)\nsee docs"};
    EXPECT_EQ(p.describe(),
              "revenue row 2, column am\\x7fount\\x9b: unknown account 'A\\x1b[2J\\x07' (é)\nsee docs");
}
