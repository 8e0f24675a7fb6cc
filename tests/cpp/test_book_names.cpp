// Names that are almost right are problems: misspelt columns (one edit away from a column the table lacks),
// every unknown column with strict_columns, and KPI names of targets that are no KPI.
#include <gtest/gtest.h>

#include <string>

#include "accountkpi/book.hpp"
#include "book_fixture.hpp"

using namespace accountkpi;
using fixture::days;
using fixture::numbers;
using fixture::texts;

namespace {

std::string problems_of(BookBuilder& b) {
    try {
        (void)b.build();
    } catch (const ValidationError& e) {
        return e.what();
    }
    return "";
}

Table accounts() {
    Table t;
    t.add("account_id", texts({"A", "B"}));
    return t;
}

Table revenue() {
    Table t;
    t.add("account_id", texts({"A", "B"}));
    t.add("date", days({"2024-01-05", "2024-02-05"}));
    t.add("amount", numbers({100, 50}));
    return t;
}

}  // namespace

TEST(BookNames, MisspeltOptionalColumnIsAProblemNotIgnored) {
    Table r = revenue();
    r.add("cots", numbers({60, 20}));  // 'cost' with two letters swapped: gross margin would silently be 1
    BookBuilder b;
    b.add("accounts", accounts()).add("revenue", std::move(r));
    EXPECT_NE(problems_of(b).find("revenue column cots: unknown column; did you mean 'cost'?"),
              std::string::npos)
        << problems_of(b);
}

TEST(BookNames, MisspeltRequiredColumnsNameTheLikelyColumn) {
    Table r;
    r.add("accountid", texts({"A"}));
    r.add("date", days({"2024-01-05"}));
    r.add("ammount", numbers({100}));
    BookBuilder b;
    b.add("accounts", accounts()).add("revenue", std::move(r));
    const std::string what = problems_of(b);
    EXPECT_NE(what.find("column accountid: unknown column; did you mean 'account_id'?"), std::string::npos)
        << what;
    EXPECT_NE(what.find("column ammount: unknown column; did you mean 'amount'?"), std::string::npos) << what;
    EXPECT_NE(what.find("column amount: required column is missing"), std::string::npos) << what;
}

TEST(BookNames, UnrelatedExtraColumnsAreIgnoredUnlessStrict) {
    Table a = accounts();
    a.add("note", texts({"key client", ""}));  // two edits from 'name': not a misspelling
    Table r = revenue();
    r.add("cost", numbers({60, 20}));
    r.add("invoice_no", texts({"I-1", "I-2"}));
    BookBuilder lenient;
    lenient.add("accounts", a).add("revenue", r);
    EXPECT_EQ(problems_of(lenient), "");
    BuildOptions strict;
    strict.strict_columns = true;
    BookBuilder b(strict);
    b.add("accounts", std::move(a)).add("revenue", std::move(r));
    const std::string what = problems_of(b);
    EXPECT_NE(
        what.find("accounts column note: unknown column (strict_columns); accounts has 'account_id', 'name'"),
        std::string::npos)
        << what;
    EXPECT_NE(what.find("revenue column invoice_no: unknown column (strict_columns)"), std::string::npos)
        << what;
}

TEST(BookNames, TargetKpiNamesAreCheckedAtBuild) {
    Table managers;
    managers.add("manager_id", texts({"F1"}));
    managers.add("role", texts({"farmer"}));
    Table targets;
    targets.add("manager_id", texts({"F1", "F1", "F1"}));
    targets.add("kpi", texts({"revenue", "revenu", "happiness"}));
    targets.add("begin", days({"2024-01-01", "2024-01-01", "2024-01-01"}));
    targets.add("end", days({"2025-01-01", "2025-01-01", "2025-01-01"}));
    targets.add("target", numbers({1000, 1000, 5}));
    BookBuilder b;
    b.add("accounts", accounts()).add("revenue", revenue()).add("managers", std::move(managers));
    b.add("targets", std::move(targets));
    const std::string what = problems_of(b);
    EXPECT_NE(what.find("targets row 1, column kpi: unknown KPI 'revenu'; did you mean 'revenue'?"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("targets row 2, column kpi: unknown KPI 'happiness'"), std::string::npos) << what;
    EXPECT_EQ(what.find("targets row 0"), std::string::npos) << what;
}
