#pragma once
/// \file
/// Fit in Python, score in C++: reading the JSON file that the Python fitters' `save_model` writes
/// (`{"model": "BetaGeoFitter", "format": 1, "params": {"r": 0.24, ...}, "covariance": ..., ...}`).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accountkpi/export.hpp"
#include "accountkpi/ltv/bgbb.hpp"
#include "accountkpi/ltv/bgnbd.hpp"
#include "accountkpi/ltv/gamma_gamma.hpp"
#include "accountkpi/ltv/pareto_nbd.hpp"
#include "accountkpi/ltv/sbg.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// A fitted model as saved: the Python class name and the parameters by name, in the units of the data the
/// model was fitted on (alpha of BG/NBD in the time unit of T, v of Gamma-Gamma in currency).
struct SavedModel {
    std::string model;                                   ///< e.g. "BetaGeoFitter"
    std::vector<std::pair<std::string, double>> params;  ///< in the file's order
    bool converged = true;  ///< the fit's verdict (`convergence.converged`; true when absent)

    /// The parameter `name`. \throws std::invalid_argument when the file has none of that name.
    [[nodiscard]] double parameter(std::string_view name) const;
};

/// Parses the JSON text of a saved model (any valid JSON object with a string "model" and an object
/// "params" of numbers; other members are skipped; NaN and Infinity are accepted as Python writes them).
/// \throws std::invalid_argument naming the byte offset and what was expected, or a missing member.
[[nodiscard]] SavedModel parse_saved_model(std::string_view json);

/// Reads and parses the file at `path`. \throws std::invalid_argument when it cannot be read or parsed.
[[nodiscard]] SavedModel load_saved_model(const std::string& path);

/// The parameters of a saved BetaGeoFitter or ModifiedBetaGeoFitter (r, alpha, a, b), for the BG/NBD or
/// MBG/NBD functions. \throws std::invalid_argument for another model or a missing parameter.
[[nodiscard]] BgNbdParams to_bgnbd_params(const SavedModel& saved);

/// The parameters of a saved ParetoNBDFitter (r, alpha, s, beta), for the Pareto/NBD functions.
/// \throws std::invalid_argument for another model or a missing parameter.
[[nodiscard]] ParetoNbdParams to_pareto_nbd_params(const SavedModel& saved);

/// The parameters of a saved GammaGammaFitter (p, q, v). \throws std::invalid_argument otherwise.
[[nodiscard]] GammaGammaParams to_gamma_gamma_params(const SavedModel& saved);

/// The parameters of a saved BetaGeoBetaBinomFitter. \throws std::invalid_argument otherwise.
[[nodiscard]] BgBbParams to_bgbb_params(const SavedModel& saved);

/// The parameters of a saved ShiftedBetaGeoFitter (alpha, beta). \throws std::invalid_argument otherwise.
[[nodiscard]] SbgParams to_sbg_params(const SavedModel& saved);

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
