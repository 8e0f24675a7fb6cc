#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "accountkpi/ltv/saved_model.hpp"

using namespace accountkpi::ltv;

namespace {
// As the Python fitters write it (json.dumps with indent=1, NaN for an undefined standard error).
const char* const saved_bgnbd = R"({
 "model": "BetaGeoFitter",
 "format": 1,
 "settings": {"penalizer_coef": 0.0, "_scale": 0.025733401955738548},
 "params": {"r": 0.24259395, "alpha": 4.41358574, "a": 0.79292331, "b": 2.42589499},
 "covariance": [[0.00016, 0.0039, NaN, -1e-05], [0.0039, 0.143, 0.0, 0.1], [0, 0, 0, 0], [1, 2, 3, 4]],
 "log_likelihood": -9582.42928,
 "convergence": {"converged": true, "iterations": 7, "message": "Newton's method reached \"norm\" 1e-12"},
 "data": {"frequency": [2.0, 1.0, 0.0], "recency": [30.43, 1.71, 0.0], "T": [38.86, 38.86, 38.86]},
 "index": ["a", "b", null]
})";
}  // namespace

TEST(SavedModel, ReadsTheParametersOfAPythonFit) {
    const SavedModel saved = parse_saved_model(saved_bgnbd);
    EXPECT_EQ(saved.model, "BetaGeoFitter");
    EXPECT_TRUE(saved.converged);
    ASSERT_EQ(saved.params.size(), 4u);
    const BgNbdParams p = to_bgnbd_params(saved);
    EXPECT_EQ(p.r, 0.24259395);
    EXPECT_EQ(p.alpha, 4.41358574);
    EXPECT_EQ(p.a, 0.79292331);
    EXPECT_EQ(p.b, 2.42589499);
    // Scoring with them: CDNOW customer 1 buys ~1.226 times in the next 39 weeks (FHL 2005).
    const auto e = conditional_expected_number_of_purchases_up_to_time(
        p, 39, std::vector<double>{2}, std::vector<double>{30.43}, std::vector<double>{38.86});
    EXPECT_NEAR(e[0], 1.226, 0.001);
}

TEST(SavedModel, OtherModelsAndErrors) {
    const SavedModel gg = parse_saved_model(
        R"({"model": "GammaGammaFitter", "params": {"p": 6.25, "q": 3.74, "v": 15.44},
            "convergence": {"converged": false}})");
    EXPECT_FALSE(gg.converged);
    EXPECT_EQ(to_gamma_gamma_params(gg).v, 15.44);
    EXPECT_THROW((void)to_bgnbd_params(gg), std::invalid_argument);
    EXPECT_THROW((void)gg.parameter("r"), std::invalid_argument);
    auto message = [](const char* text) {
        try {
            (void)parse_saved_model(text);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    EXPECT_NE(message(R"({"model": "BetaGeoFitter"})").find("no \"params\""), std::string::npos);
    EXPECT_NE(
        message(R"({"model": "BetaGeoFitter", "params": {"r": x}})").find("expected a number at byte 43"),
        std::string::npos);
    EXPECT_NE(message(R"({"model": "BetaGeoFitter", "params": {}} trailing)").find("end of the text"),
              std::string::npos);
    EXPECT_THROW((void)load_saved_model("/nonexistent/model.json"), std::invalid_argument);
}
