#pragma once
/// \file
/// One customer's repeat-purchase summary, the input of the fitted models' scalar predictions.

#include "accountkpi/export.hpp"

ACCOUNTKPI_EXPORT_BEGIN
namespace accountkpi::ltv {

/// One customer's RFM figures, with lifetimes' meanings, in the time unit of the model's data: `frequency`
/// repeat purchases (the first is not counted), `recency` the time from the first to the last purchase,
/// `T` the time from the first purchase to the end of observation, `monetary_value` the mean value of the
/// repeat purchases (0 without any). Written with designated initialisers:
/// `ltv::conditional_probability_alive(params, {.frequency = 2, .recency = 30.4, .T = 38.9})`.
struct CustomerRfm {
    double frequency = 0;
    double recency = 0;
    double T = 0;  // NOLINT(readability-identifier-naming): the models' name for it
    double monetary_value = 0;
};

}  // namespace accountkpi::ltv
ACCOUNTKPI_EXPORT_END
