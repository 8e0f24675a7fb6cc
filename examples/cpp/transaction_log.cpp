// A billing system's transaction log straight into a Book: the accounts derived from the lines (each
// customer's region the one on most of its lines), a bad line rejected and named as the log has it, then
// revenue by region.
//
//   row  CustomerID  InvoiceDate                 Sales  Country
//   0    17850       2024-01-05 08:26:00         100    United Kingdom
//   1    13047       2024-01-06T09:00:00+01:00   50     France
//   2    17850       2024-02-10 10:00            30     France
//   3    17850       2024-02-20 10:00:00         10     United Kingdom
//   4    13047       2024-02-30 10:00            70     France          (no such day: rejected)
//   5    12583       2024-03-01 23:30:00         20     Germany
#include <accountkpi/accountkpi.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

int main() {
    using namespace accountkpi;
    Table log;
    log.add("CustomerID",
            Column::integers(std::vector<std::int64_t>{17850, 13047, 17850, 17850, 13047, 12583}));
    log.add("InvoiceDate", Column::texts(std::vector<std::string>{
                               "2024-01-05 08:26:00", "2024-01-06T09:00:00+01:00", "2024-02-10 10:00",
                               "2024-02-20 10:00:00", "2024-02-30 10:00", "2024-03-01 23:30:00"}));
    log.add("Sales", Column::numbers(std::vector<double>{100, 50, 30, 10, 70, 20}));
    log.add("Country", Column::texts(std::vector<std::string>{"United Kingdom", "France", "France",
                                                              "United Kingdom", "France", "Germany"}));
    TransactionOptions options;
    options.columns = {
        .account = "CustomerID", .date = "InvoiceDate", .amount = "Sales", .region = "Country"};
    const LenientBuild built = TransactionLog(std::move(log), options).build_lenient();
    for (const Problem& p : built.rejected) std::printf("rejected: %s\n", p.describe().c_str());

    // 2024Q1 by region. 17850 (two British lines, one French: the United Kingdom): 100 + 30 + 10 = 140;
    // 13047 (France): 50, its line of 30 February rejected; 12583 (Germany): 20.
    kpi::Request rq;
    rq.periods = {Period::quarter(2024, 1)};
    rq.by = {kpi::Key::region};
    rq.kpis = {kpi::Kpi::revenue};
    const kpi::Result result = kpi::compute(built.book, rq);
    for (const kpi::LabelledRow row : kpi::LabelledResult(built.book, rq, result)) {
        std::printf("%s %-15s %8.2f\n", row.period().label().c_str(), row.label(0).c_str(),
                    row.value(kpi::Kpi::revenue));
    }
}
