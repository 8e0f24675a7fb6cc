#include <gtest/gtest.h>
// Boost 1.74's hypergeometric_pFq.hpp uses lgamma and expm1 without including them.
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>

#include "accountkpi/ltv/hypergeometric.hpp"

using accountkpi::ltv::hyp2f1;

TEST(Hyp2f1, ClosedForms) {
    for (double z : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999}) {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        const double log_form = z == 0 ? 1.0 : -std::log1p(-z) / z;
        EXPECT_NEAR(hyp2f1(1, 1, 2, z), log_form, 1e-14 * log_form) << z;
        // 2F1(a, b; b; z) = (1 - z)^(-a)
        EXPECT_NEAR(hyp2f1(0.3, 2.5, 2.5, z), std::pow(1 - z, -0.3), 1e-14 * std::pow(1 - z, -0.3)) << z;
        // 2F1(1/2, 1; 3/2; z^2) = atanh(z) / z
        if (z > 0) {
            EXPECT_NEAR(hyp2f1(0.5, 1, 1.5, z * z), std::atanh(z) / z, 1e-14 * std::atanh(z) / z) << z;
        }
    }
    // A terminating series: 2F1(-2, b; c; z) = 1 - 2 b z / c + b (b+1) z^2 / (c (c+1)).
    EXPECT_NEAR(hyp2f1(-2, 3, 4, 0.5), 1 - 2 * 3 * 0.5 / 4 + 3 * 4 * 0.25 / (4 * 5), 1e-15);
}

TEST(Hyp2f1, AgreesWithBoostOnBgNbdArguments) {
    struct Case {
        double a, b, c, z;
    };
    // Arguments as E[X(t)] and E[Y(t) | x, t_x, T] use them with the CDNOW estimates (r, alpha, a, b).
    for (const Case& k :
         {Case{0.243, 2.426, 2.219, 39 / 43.414}, Case{2.243, 4.426, 4.219, 39 / (4.414 + 38.86 + 39)},
          Case{0.243, 2.426, 2.219, 0.99}, Case{10.243, 12.426, 12.219, 0.3}, Case{0.5, 0.7, -0.2, 0.4}}) {
        const double boost = boost::math::hypergeometric_pFq({k.a, k.b}, {k.c}, k.z);
        EXPECT_NEAR(hyp2f1(k.a, k.b, k.c, k.z), boost, 1e-12 * std::abs(boost))
            << k.a << " " << k.b << " " << k.c;
    }
}

TEST(Hyp2f1, UndefinedIsNaN) {
    EXPECT_TRUE(std::isnan(hyp2f1(1, 1, 2, 1.0)));
    EXPECT_TRUE(std::isnan(hyp2f1(1, 1, 2, -0.5)));
    EXPECT_TRUE(std::isnan(hyp2f1(1, 1, -1, 0.5)));  // c a non-positive integer
    EXPECT_TRUE(std::isnan(hyp2f1(NAN, 1, 2, 0.5)));
}

// Regression: fitted BG/NBD parameters on a small book reached b ~ 1e7; the series then summed ten million
// terms per call before stopping (a report took half a minute). 2F1(a, b; b; z) = (1 - z)^-a.
TEST(Hyp2f1, HugeParametersStopEarly) {
    const double a = 3.3, b = 1.4e7, z = 0.8;
    EXPECT_NEAR(accountkpi::ltv::hyp2f1(a, b, b, z), std::pow(1 - z, -a), 1e-9 * std::pow(1 - z, -a));
    EXPECT_NEAR(accountkpi::ltv::hyp2f1(a, 1.4e7, 1.4e7 + 1.3e5, 0.5),
                std::pow(1 - 0.5 * 1.4e7 / (1.4e7 + 1.3e5), -a), 1e-3);
}
