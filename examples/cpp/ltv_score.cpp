// Fit in Python, score in C++: reads a model saved by accountkpi.ltv's save_model and scores customers.
//
//   python -c "import accountkpi as ak; s = ak.datasets.load_cdnow_summary();
//              ak.ltv.BetaGeoFitter().fit(s['frequency'], s['recency'], s['T']).save_model('bgf.json')"
//   ./ltv_score bgf.json
//
// Without an argument it scores with the CDNOW estimates of Fader, Hardie & Lee (2005), in the same format.
#include <accountkpi/accountkpi.hpp>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
    using namespace accountkpi::ltv;
    const SavedModel saved =
        argc > 1 ? load_saved_model(argv[1]) : parse_saved_model(R"({"model": "BetaGeoFitter", "format": 1,
                                         "params": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}})");
    if (!saved.converged) std::printf("warning: the saved fit did not converge\n");
    const BgNbdParams p = to_bgnbd_params(saved);
    // Repeat purchases, weeks from the first to the last purchase, weeks observed (CDNOW customers 1-3).
    const std::vector<double> frequency{2, 1, 0}, recency{30.43, 1.71, 0}, T{38.86, 38.86, 38.86};
    const auto alive = conditional_probability_alive(p, frequency, recency, T);
    const auto next = conditional_expected_number_of_purchases_up_to_time(p, 39, frequency, recency, T);
    std::printf("%s r=%.3f alpha=%.3f a=%.3f b=%.3f\n", saved.model.c_str(), p.r, p.alpha, p.a, p.b);
    for (std::size_t i = 0; i < frequency.size(); ++i)
        std::printf("customer %zu: P(alive) %.3f, expected purchases in the next 39 weeks %.3f\n", i + 1,
                    alive[i], next[i]);
}
