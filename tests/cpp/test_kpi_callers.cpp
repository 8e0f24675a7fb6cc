// Several callers sharing one Book at the same time (a back end serving requests on its own threads): every
// caller gets the answer it gets alone. Run under ThreadSanitizer in CI (.ci/run), this is also the race
// test.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "accountkpi/demo.hpp"
#include "accountkpi/kpi.hpp"
#include "accountkpi/tiers.hpp"

using namespace accountkpi;
using kpi::Key;

namespace {

std::vector<kpi::Request> requests() {
    std::vector<kpi::Request> out;
    for (const std::vector<Key>& by : std::vector<std::vector<Key>>{
             {}, {Key::manager}, {Key::region}, {Key::account}, {Key::tier, Key::region}}) {
        kpi::Request rq;
        for (unsigned q = 1; q <= 4; ++q) rq.periods.push_back(Period::quarter(2024, q));
        rq.by = by;
        rq.threads = 2;  // each caller's request also splits its periods among threads
        out.push_back(rq);
    }
    return out;
}

bool same_bits(const kpi::Result& a, const kpi::Result& b) {
    if (a.key_codes != b.key_codes || a.period != b.period || a.values.size() != b.values.size())
        return false;
    for (std::size_t k = 0; k < a.values.size(); ++k) {
        for (std::size_t i = 0; i < a.rows(); ++i) {
            if (std::bit_cast<std::uint64_t>(a.values[k][i]) !=
                std::bit_cast<std::uint64_t>(b.values[k][i])) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

TEST(KpiCallers, FourCallersSharingOneBookGetTheirOwnAnswers) {
    demo::Options o;
    o.accounts = 400;
    o.years = 2;
    o.start_year = 2023;
    const Book book = demo::book(o);
    const std::vector<kpi::Request> rqs = requests();
    std::int32_t portfolio = -1;  // the first client-portfolio farmer
    for (std::size_t m = 0; m < book.managers().size() && portfolio < 0; ++m) {
        if (book.managers().tier[m] == Tier::client_portfolio) portfolio = static_cast<std::int32_t>(m);
    }
    ASSERT_GE(portfolio, 0);
    std::vector<kpi::Result> alone;
    for (const kpi::Request& rq : rqs) alone.push_back(kpi::compute(book, rq));

    constexpr int callers = 4, rounds = 3;
    std::vector<int> mismatches(callers, 0);
    std::vector<double> scores(callers, 0.0);
    std::vector<std::thread> threads;
    for (int c = 0; c < callers; ++c) {
        threads.emplace_back([&, c] {
            for (int r = 0; r < rounds; ++r) {
                for (std::size_t i = 0; i < rqs.size(); ++i) {
                    const std::size_t j = (i + static_cast<std::size_t>(c)) % rqs.size();  // different orders
                    if (!same_bits(kpi::compute(book, rqs[j]), alone[j]))
                        ++mismatches[static_cast<std::size_t>(c)];
                }
                const tiers::ClientPortfolio mandate(portfolio);
                scores[static_cast<std::size_t>(c)] = mandate.evaluate(book, Period::quarter(2024, 2)).score;
            }
        });
    }
    for (std::thread& t : threads) t.join();
    const double score = tiers::ClientPortfolio(portfolio).evaluate(book, Period::quarter(2024, 2)).score;
    for (int c = 0; c < callers; ++c) {
        EXPECT_EQ(mismatches[static_cast<std::size_t>(c)], 0) << "caller " << c;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(scores[static_cast<std::size_t>(c)]),
                  std::bit_cast<std::uint64_t>(score));
    }
}
