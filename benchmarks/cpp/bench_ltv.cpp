// Timings of the lifetime-value fits: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma on CDNOW and on 10^6
// simulated customers; BG/BB on the donations data (11,104 donors as 22 weighted rows) and on 10^6
// unweighted rows. Built in Release; refuses to run with assertions on; checks the answer it times.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "accountkpi/ltv.hpp"

#ifndef NDEBUG
#error "build the benchmarks in Release (-DNDEBUG): timings with assertions on are meaningless"
#endif
#ifndef ACCOUNTKPI_DATASETS_DIR
#define ACCOUNTKPI_DATASETS_DIR "python/accountkpi/datasets/data"
#endif

using namespace accountkpi::ltv;

namespace {

struct Rfm {
    std::vector<double> frequency, recency, T, monetary_value;
};

Rfm read_cdnow() {
    std::ifstream in(std::string(ACCOUNTKPI_DATASETS_DIR) + "/cdnow_customers_summary_with_transactions.csv");
    if (!in) {
        std::fprintf(stderr, "cannot read the CDNOW summary from %s\n", ACCOUNTKPI_DATASETS_DIR);
        std::exit(1);
    }
    Rfm d;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::stringstream row(line);
        std::string id, x, tx, T, z;
        std::getline(row, id, ',');
        std::getline(row, x, ',');
        std::getline(row, tx, ',');
        std::getline(row, T, ',');
        std::getline(row, z, ',');
        d.frequency.push_back(std::stod(x));
        d.recency.push_back(std::stod(tx));
        d.T.push_back(std::stod(T));
        d.monetary_value.push_back(std::stod(z));
    }
    return d;
}

const BgNbdParams truth{0.25, 4.0, 0.8, 2.5};
const GammaGammaParams gg_truth{6.0, 4.0, 15.0};

/// T of n simulated customers, evenly spread over [20, 40).
std::vector<double> spread_T(std::size_t n) {
    std::vector<double> T(n);
    for (std::size_t i = 0; i < n; ++i) T[i] = 20 + 20 * static_cast<double>(i) / static_cast<double>(n);
    return T;
}

Rfm simulated(std::size_t n) {
    const std::vector<double> T = spread_T(n);
    RfmSample s = simulate_bgnbd(truth, T, 1);
    Rfm d{std::move(s.frequency), std::move(s.recency), std::move(s.T), {}};
    d.monetary_value = simulate_gamma_gamma(gg_truth, d.frequency, 2);
    return d;
}

void returning_only(const Rfm& d, std::vector<double>& x, std::vector<double>& m) {
    for (std::size_t i = 0; i < d.frequency.size(); ++i)
        if (d.frequency[i] > 0) {
            x.push_back(d.frequency[i]);
            m.push_back(d.monetary_value[i]);
        }
}

void check(bool ok, const char* what, benchmark::State& state) {
    if (!ok) state.SkipWithError(what);
}

/// Times `fit(options)` on range(0) customers with `FitOptions::threads` = range(1) (0: one per core),
/// checking each fit with `good(fit)`.
template <class Fit, class Good>
void time_simulated_fit(benchmark::State& state, const Fit& fit, const Good& good, const char* failure) {
    FitOptions options;
    options.threads = static_cast<unsigned>(state.range(1));
    for (auto _ : state) {
        auto result = fit(options);
        benchmark::DoNotOptimize(result);
        state.counters["evaluations"] = result.convergence.evaluations;
        check(result.convergence.converged && good(result), failure, state);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_BgNbdFitCdnow(benchmark::State& state) {
    const Rfm d = read_cdnow();
    for (auto _ : state) {
        BgNbdFit fit = fit_bgnbd(d.frequency, d.recency, d.T);
        benchmark::DoNotOptimize(fit);
        check(std::abs(fit.params.r - 0.2426) < 1e-3 && std::abs(fit.log_likelihood + 9582.43) < 0.01,
              "CDNOW BG/NBD estimates differ from the published ones", state);
    }
}

void BM_GammaGammaFitCdnow(benchmark::State& state) {
    const Rfm d = read_cdnow();
    std::vector<double> x, m;
    returning_only(d, x, m);
    for (auto _ : state) {
        GammaGammaFit fit = fit_gamma_gamma(x, m);
        benchmark::DoNotOptimize(fit);
        check(std::abs(fit.params.p - 6.2488) < 1e-3, "CDNOW Gamma-Gamma estimates differ", state);
    }
}

void BM_BgNbdFitSimulated(benchmark::State& state) {
    const Rfm d = simulated(static_cast<std::size_t>(state.range(0)));
    time_simulated_fit(
        state, [&](const FitOptions& o) { return fit_bgnbd(d.frequency, d.recency, d.T, {}, o); },
        [](const BgNbdFit& fit) {
            return std::abs(fit.params.r - truth.r) < 5 * fit.standard_errors.r &&
                   std::abs(fit.params.b - truth.b) < 5 * fit.standard_errors.b;
        },
        "simulated BG/NBD parameters not recovered");
}

void BM_GammaGammaFitSimulated(benchmark::State& state) {
    const Rfm d = simulated(static_cast<std::size_t>(state.range(0)));
    std::vector<double> x, m;
    returning_only(d, x, m);
    for (auto _ : state) {
        GammaGammaFit fit = fit_gamma_gamma(x, m);
        benchmark::DoNotOptimize(fit);
        state.counters["customers"] = static_cast<double>(x.size());
        check(fit.convergence.converged && std::abs(fit.params.p - gg_truth.p) < 5 * fit.standard_errors.p,
              "simulated Gamma-Gamma parameters not recovered", state);
    }
}

void BM_MbgNbdFitCdnow(benchmark::State& state) {
    const Rfm d = read_cdnow();
    for (auto _ : state) {
        BgNbdFit fit = fit_mbgnbd(d.frequency, d.recency, d.T);
        benchmark::DoNotOptimize(fit);
        check(fit.convergence.converged && std::abs(fit.params.r - 0.525) < 1e-3 &&
                  std::abs(fit.params.alpha - 6.183) < 1e-3,
              "CDNOW MBG/NBD estimates differ from BTYDplus'", state);
    }
}

void BM_MbgNbdFitSimulated(benchmark::State& state) {
    const Rfm d = simulated(static_cast<std::size_t>(state.range(0)));
    time_simulated_fit(
        state, [&](const FitOptions& o) { return fit_mbgnbd(d.frequency, d.recency, d.T, {}, o); },
        [](const BgNbdFit&) { return true; }, "MBG/NBD fit on simulated BG/NBD data did not converge");
}

void BM_ParetoNbdFitCdnow(benchmark::State& state) {
    const Rfm d = read_cdnow();
    for (auto _ : state) {
        ParetoNbdFit fit = fit_pareto_nbd(d.frequency, d.recency, d.T);
        benchmark::DoNotOptimize(fit);
        state.counters["evaluations"] = fit.convergence.evaluations;
        check(fit.convergence.converged && std::abs(fit.params.r - 0.553) < 1e-3 &&
                  std::abs(fit.params.beta - 11.668) < 1e-3,
              "CDNOW Pareto/NBD estimates differ from FHL 2005 / BTYD's", state);
    }
}

void BM_ParetoNbdFitSimulated(benchmark::State& state) {
    const ParetoNbdSample d =
        simulate_pareto_nbd({0.55, 10.6, 0.61, 11.7}, spread_T(static_cast<std::size_t>(state.range(0))), 1);
    time_simulated_fit(
        state, [&](const FitOptions& o) { return fit_pareto_nbd(d.frequency, d.recency, d.T, {}, o); },
        [](const ParetoNbdFit&) { return true; },
        "Pareto/NBD fit on simulated Pareto/NBD data did not converge");
}

/// The donations data (x, t_x, n, weight), each row repeated `copies` times (0: kept as weights).
struct Donations {
    std::vector<double> x, tx, n, w;
};

Donations donations(int copies) {
    std::ifstream in(std::string(ACCOUNTKPI_DATASETS_DIR) + "/donations.csv");
    if (!in) {
        std::fprintf(stderr, "cannot read the donations data from %s\n", ACCOUNTKPI_DATASETS_DIR);
        std::exit(1);
    }
    Donations d;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        double x = 0, tx = 0, n = 0, w = 0;
        char comma = 0;
        std::stringstream(line) >> x >> comma >> tx >> comma >> n >> comma >> w;
        const int repeat = copies == 0 ? 1 : copies * static_cast<int>(w);
        for (int k = 0; k < repeat; ++k) {
            d.x.push_back(x);
            d.tx.push_back(tx);
            d.n.push_back(n);
            if (copies == 0) d.w.push_back(w);
        }
    }
    return d;
}

void BM_BgBbFitDonations(benchmark::State& state) {
    const Donations d = donations(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        BgBbFit fit = fit_bgbb(d.x, d.tx, d.n, d.w);
        benchmark::DoNotOptimize(fit);
        check(fit.convergence.converged && std::abs(fit.params.alpha - 1.204) < 1e-3 &&
                  std::abs(fit.params.delta - 2.783) < 1e-3,
              "donations BG/BB estimates differ from the published ones", state);
    }
    state.counters["rows"] = static_cast<double>(d.x.size());
}

void BM_BgNbdLogLikelihood(benchmark::State& state) {
    const Rfm d = simulated(static_cast<std::size_t>(state.range(0)));
    Eigen::Vector4d g;
    for (auto _ : state)
        benchmark::DoNotOptimize(bgnbd_log_likelihood(truth, d.frequency, d.recency, d.T, {}, &g));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(BM_BgNbdFitCdnow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GammaGammaFitCdnow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BgNbdFitSimulated)
    ->ArgNames({"customers", "threads"})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(BM_GammaGammaFitSimulated)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_MbgNbdFitCdnow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MbgNbdFitSimulated)
    ->ArgNames({"customers", "threads"})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(BM_ParetoNbdFitCdnow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParetoNbdFitSimulated)
    ->ArgNames({"customers", "threads"})
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
// 0: 22 weighted rows; 90: 999,360 rows, one per donor (11,104 x 90).
BENCHMARK(BM_BgBbFitDonations)->Arg(0)->Arg(90)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BgNbdLogLikelihood)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
